package dev.trainingplanner.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainingplanner.profile.ClusterProfile.ComputeStatistics;
import dev.trainingplanner.profile.ClusterProfile.DefaultLink;
import dev.trainingplanner.profile.ClusterProfile.GpuProfile;
import dev.trainingplanner.profile.ClusterProfile.IntraNodeProfile;
import dev.trainingplanner.profile.ClusterProfile.LinkProfile;
import dev.trainingplanner.profile.ClusterProfile.NodeProfile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The JSON text of the format. {@code every-key.json} uses every key, in the text profiles have always been written
 * in (agent 0.1.0's {@code once} output): agents, stored profiles and scripts depend on that text, so it must not
 * change.
 */
class ProfileJsonTest {

    private static final String AT = "2026-11-28T05:00:00Z";
    private static final String LATER = "2026-11-28T05:00:07.250Z";

    @Test
    void everyKeyIsWrittenExactlyAsBefore() throws IOException {
        String everyKey = everyKey();

        assertThat(ProfileJson.write(ProfileJson.parse(everyKey))).isEqualTo(everyKey);
    }

    @Test
    void recordsBuiltAsTheAgentBuildsThemWriteThatText() throws IOException {
        NodeProfile measured = new NodeProfile(
                "node-0",
                List.of(
                        new GpuProfile(0, "H100-80GB", 85520809984L, 536870912L, 0.98, 989.0, GpuProfile.MEASURED),
                        new GpuProfile(1, "H100-80GB", 85520809984L, null, null, null, GpuProfile.MEASURED)),
                new IntraNodeProfile(
                        List.of(List.of(0.0, 450.0), List.of(449.5, 0.0)),
                        List.of(List.of(0.0, 2.0), List.of(2.25, 0.0)),
                        List.of(List.of("X", "NV18"), List.of("NV18", "X"))),
                new ComputeStatistics(0.9731, 0.02, 1.6, ComputeStatistics.GPU_COMMAND),
                LATER,
                "dc6e40c4-d722-4357-9ba6-5291dd461278.2");
        NodeProfile declared = new NodeProfile(
                "node-1",
                List.of(new GpuProfile(0, "L40S", 48305799168L, null, null, 362.0, GpuProfile.DECLARED)),
                null,
                new ComputeStatistics(1.0, null, null, ComputeStatistics.CPU_BENCHMARK),
                AT,
                null);
        ClusterProfile profile = new ClusterProfile(
                "cluster-a",
                LATER,
                List.of(measured, declared),
                List.of(
                        new LinkProfile("node-0", "node-1", 391.25, 4.5, 380.0, 7.75, LATER),
                        new LinkProfile("node-1", "node-0", 0.0955, 1250.0, null, null, AT)),
                new DefaultLink(200.0, 6.0));

        assertThat(ProfileJson.write(profile)).isEqualTo(everyKey());
        assertThat(ProfileJson.parse(ProfileJson.write(profile))).isEqualTo(profile);
    }

    @Test
    void partsWriteOnOneLineAndReadBack() throws IOException {
        LinkProfile link = new LinkProfile("a", "b", 100.0, 5.0, null, null, null);

        String stored = ProfileJson.writer().writeValueAsString(link);

        assertThat(stored).isEqualTo("{\"from\":\"a\",\"to\":\"b\",\"bandwidthGbps\":100.0,\"latencyUs\":5.0}");
        assertThat(ProfileJson.reader(LinkProfile.class).<LinkProfile>readValue(stored))
                .isEqualTo(link);
    }

    @Test
    void aPartialProfileIsParsedWithoutJudgingItsValues() {
        ClusterProfile part = ProfileJson.parse(
                """
                {"name": "c", "links": [{"from": "a", "to": "elsewhere", "bandwidthGbps": -1, "latencyUs": 5}]}""");

        assertThat(part.nodes()).isEmpty();
        assertThat(part.links()).singleElement().satisfies(link -> assertThat(link.to())
                .isEqualTo("elsewhere"));
    }

    @Test
    void unknownKeysAreRejectedWithTheKeyTheirPlaceAndTheAllowedKeys() {
        assertThatThrownBy(
                        () -> ProfileJson.parse(
                                "{\"name\": \"c\", \"nodes\": [{\"name\": \"n\", \"gpus\": [{\"index\": 0, \"clock\": 1980}]}]}"))
                .isInstanceOf(InvalidProfileException.class)
                .hasMessage("Invalid cluster profile: unknown key 'clock' at nodes[0].gpus[0] (allowed keys: index, "
                        + "memoryBytes, memoryUsedBytes, peakTflops, relativeSpeed, source, type)");
        assertThatThrownBy(() -> ProfileJson.parse("{\"name\": \"c\", \"unused\": []}"))
                .hasMessageContaining("unknown key 'unused' at the top level");
    }

    @Test
    void wrongValueTypesNameTheirPlace() {
        assertThatThrownBy(() -> ProfileJson.parse(
                        "{\"name\": \"c\", \"links\": [{\"from\": \"a\", \"to\": \"b\", \"latencyUs\": \"fast\"}]}"))
                .isInstanceOf(InvalidProfileException.class)
                .hasMessage("Invalid cluster profile: wrong value type at links[0].latencyUs: expected Double");
        assertThatThrownBy(() -> ProfileJson.parse("{\"name\": \"c\", \"nodes\": {}}"))
                .hasMessageContaining("wrong value type at nodes: expected");
    }

    @Test
    void numbersWrittenAsTextAndFractionalIndexesAreRejectedAsTheApiRejectsThem() {
        assertThatThrownBy(() -> ProfileJson.parse("{\"name\": \"c\", \"defaultLink\": {\"bandwidthGbps\": \"100\"}}"))
                .isInstanceOf(InvalidProfileException.class)
                .hasMessageContaining("wrong value type at defaultLink.bandwidthGbps: expected Double");
        assertThatThrownBy(() -> ProfileJson.parse(
                        "{\"name\": \"c\", \"nodes\": [{\"name\": \"n\", \"gpus\": [{\"index\": 0.5}]}]}"))
                .hasMessageContaining("wrong value type at nodes[0].gpus[0].index: expected Integer");
        assertThatThrownBy(() -> ProfileJson.parse("{\"name\": 7}"))
                .hasMessageContaining("wrong value type at name: expected String");
    }

    @Test
    void malformedTrailingAndEmptyInputAreEachNamed() {
        assertThatThrownBy(() -> ProfileJson.parse("{\"name\": \"c\",\n \"nodes\": [}"))
                .isInstanceOf(InvalidProfileException.class)
                .hasMessageStartingWith("Invalid cluster profile: malformed JSON at line 2, column 12: ");
        assertThatThrownBy(() -> ProfileJson.parse("{\"name\": \"c\"} {}"))
                .hasMessageContaining("malformed JSON at line 1, column");
        assertThatThrownBy(() -> ProfileJson.parse("null"))
                .hasMessage("Invalid cluster profile: the cluster profile is empty (expected a JSON object)");
    }

    static String everyKey() throws IOException {
        try (InputStream in = ProfileJsonTest.class.getResourceAsStream("every-key.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
