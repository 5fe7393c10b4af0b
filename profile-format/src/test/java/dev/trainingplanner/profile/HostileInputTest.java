package dev.trainingplanner.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Names outside the grammar, implausible numbers and ambiguous JSON are refused, each naming its place. */
class HostileInputTest {

    private final ClusterProfileReader reader = new ClusterProfileReader();

    @Test
    void aNodeNameWithShellSyntaxIsRejected() throws IOException {
        String json = ProfileJsonTest.everyKey().replace("\"node-0\"", "\"n0$(touch /tmp/pwned)\"");

        assertThatThrownBy(() -> reader.read(json))
                .isInstanceOfSatisfying(InvalidProfileException.class, e -> assertThat(e.problems())
                        .contains("nodes[0].name 'n0$(touch /tmp/pwned)' is not a node name (" + ProfileNames.NODE_RULE
                                + ")")
                        .contains("links[0].from 'n0$(touch /tmp/pwned)' is not a node name (" + ProfileNames.NODE_RULE
                                + ")"));
    }

    @Test
    void aNodeNameWithALineBreakIsRejectedAndShownEscaped() throws IOException {
        String json = ProfileJsonTest.everyKey().replace("\"node-1\"", "\"n2\\nattacker.example.com slots=8\"");

        assertThatThrownBy(() -> reader.read(json))
                .hasMessageContaining("nodes[1].name 'n2\\u000aattacker.example.com slots=8' is not a node name")
                .hasMessageNotContaining("\n");
    }

    @Test
    void anNvlinkDomainOutsideTheNameGrammarIsRejected() throws IOException {
        String json =
                ProfileJsonTest.everyKey().replace("\"dc6e40c4-d722-4357-9ba6-5291dd461278.2\"", "\"rack 7;reboot\"");

        assertThatThrownBy(() -> reader.read(json))
                .isInstanceOfSatisfying(InvalidProfileException.class, e -> assertThat(e.problems())
                        .containsExactly("nodes[0] ('node-0').nvlinkDomain 'rack 7;reboot' is not an NVLink domain id ("
                                + ProfileNames.NODE_RULE + ")"));
        assertThatThrownBy(() -> reader.read(
                        ProfileJsonTest.everyKey().replace("\"dc6e40c4-d722-4357-9ba6-5291dd461278.2\"", "\"\"")))
                .hasMessageContaining("nodes[0] ('node-0').nvlinkDomain '' is not an NVLink domain id");
    }

    @Test
    void aProfileWithoutNvlinkDomainsStaysValid() throws IOException {
        String json = ProfileJsonTest.everyKey()
                .replace(",\n    \"nvlinkDomain\" : \"dc6e40c4-d722-4357-9ba6-5291dd461278.2\"", "");

        ClusterProfile profile = reader.read(json);

        assertThat(json).doesNotContain("nvlinkDomain");
        assertThat(profile.nodes())
                .extracting(ClusterProfile.NodeProfile::nvlinkDomain)
                .containsOnlyNulls();
    }

    @Test
    void theLinkSeparatorIsNotANameCharacter() {
        assertThat(ProfileNames.isNodeName("b->c")).isFalse();
        assertThat(ProfileNames.isNodeName("gpu-node-17.rack3.example.com")).isTrue();
        assertThat(ProfileNames.isNodeName("n".repeat(ProfileNames.MAX_NODE_NAME_LENGTH + 1)))
                .isFalse();
    }

    @Test
    void clusterNamesAndGpuTypesFollowTheirGrammar() throws IOException {
        String json = ProfileJsonTest.everyKey()
                .replace("\"cluster-a\"", "\"a b\"")
                .replace("\"L40S\"", "\"L40S\\u0007;rm -rf\"");

        assertThatThrownBy(() -> reader.read(json))
                .hasMessageContaining("name 'a b' is not a cluster name")
                .hasMessageContaining("nodes[1] ('node-1').gpus[0].type 'L40S\\u0007;rm -rf' is not a GPU type");
        assertThat(ProfileNames.isGpuType("NVIDIA H100 80GB HBM3")).isTrue();
    }

    @Test
    void absurdlySmallAndLargeNumbersAreRejected() throws IOException {
        String json = ProfileJsonTest.everyKey()
                .replace("\"bandwidthGbps\" : 391.25", "\"bandwidthGbps\" : 1e-300")
                .replace("\"relativeSpeed\" : 0.98", "\"relativeSpeed\" : 1e-300")
                .replace("[ [ 0.0, 450.0 ], [ 449.5, 0.0 ] ]", "[ [ 0.0, 1e308 ], [ 449.5, 0.0 ] ]")
                .replace("\"memoryBytes\" : 48305799168", "\"memoryBytes\" : 1400000000000000000")
                .replace("\"slowdown\" : 1.6", "\"slowdown\" : 1e6")
                .replace("\"latencyUs\" : 1250.0", "\"latencyUs\" : 1e300");

        assertThatThrownBy(() -> reader.read(json))
                .isInstanceOfSatisfying(InvalidProfileException.class, e -> assertThat(e.problems())
                        .contains(
                                "links[0].bandwidthGbps must be between 0.01 and 100000.0, got 1.0E-300",
                                "nodes[0] ('node-0').gpus[0].relativeSpeed must be between 0.01 and 100.0, got 1.0E-300",
                                "nodes[0] ('node-0').intraNode.bandwidthGBps[0][1] must be between 0.01 and 100000.0,"
                                        + " got 1.0E308",
                                "nodes[1] ('node-1').gpus[0].memoryBytes must be between 1073741824 and 17592186044416"
                                        + " bytes, got 1400000000000000000",
                                "nodes[0] ('node-0').compute.slowdown must be between 1.0 and 100.0, got 1000000.0",
                                "links[1].latencyUs must be between 0.0 and 1.0E7, got 1.0E300"));
    }

    @Test
    void measurementTimesLieBetween2000AndTomorrow() throws IOException {
        String ancient = ProfileJsonTest.everyKey()
                .replace("\"measuredAt\" : \"2026-11-28T05:00:00Z\"", "\"measuredAt\" : \"0001-01-01T00:00:00Z\"");
        String beyondPostgres = ProfileJsonTest.everyKey()
                .replace(
                        "\"measuredAt\" : \"2026-11-28T05:00:00Z\"", "\"measuredAt\" : \"-999999999-01-01T00:00:00Z\"");
        String future = ProfileJsonTest.everyKey()
                .replace(
                        "\"measuredAt\" : \"2026-11-28T05:00:00Z\"", "\"measuredAt\" : \"+999999999-12-31T23:59:59Z\"");

        assertThatThrownBy(() -> reader.read(ancient))
                .hasMessageContaining(
                        "nodes[1] ('node-1').measuredAt 0001-01-01T00:00:00Z is before 2000-01-01T00:00:00Z");
        assertThatThrownBy(() -> reader.read(beyondPostgres))
                .hasMessageContaining("measuredAt -999999999-01-01T00:00:00Z is before 2000-01-01T00:00:00Z");
        assertThatThrownBy(() -> reader.read(future)).hasMessageContaining("lies in the future");
    }

    @Test
    void aDuplicateKeyIsRejectedInsteadOfTheLastOneWinning() throws IOException {
        String json = ProfileJsonTest.everyKey()
                .replace("\"name\" : \"cluster-a\",", "\"name\" : \"cluster-a\", \"name\" : \"x\",");

        assertThatThrownBy(() -> ProfileJson.parse(json)).hasMessageContaining("Duplicate field 'name'");
    }

    @Test
    void nullElementsAndNulCharactersAreRejectedWithTheirPlace() {
        String nullNode = "{\"name\":\"c\",\"nodes\":[null]}";
        String nulName = "{\"name\":\"c\",\"nodes\":[{\"name\":\"n\\u0000\"}]}";
        String nullCell = "{\"name\":\"c\",\"nodes\":[{\"name\":\"n\",\"intraNode\":{\"latencyUs\":[[null]]}}]}";

        assertThatThrownBy(() -> ProfileJson.parse(nullNode))
                .hasMessage("Invalid cluster profile: null is not allowed at nodes[0]");
        assertThatThrownBy(() -> ProfileJson.parse(nulName))
                .hasMessage(
                        "Invalid cluster profile: invalid value at nodes[0].name: a NUL character (\\u0000) is not allowed in text");
        assertThatThrownBy(() -> ProfileJson.parse(nullCell))
                .hasMessage("Invalid cluster profile: null is not allowed at nodes[0].intraNode.latencyUs[0][0]");
    }
}
