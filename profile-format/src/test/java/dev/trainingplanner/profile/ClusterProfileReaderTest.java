package dev.trainingplanner.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Validation of a complete profile: every rejection has its own message naming the place. */
class ClusterProfileReaderTest {

    private final ClusterProfileReader reader = new ClusterProfileReader();

    @Test
    void aProfileWithEveryKeyIsValid() throws IOException {
        String everyKey = ProfileJsonTest.everyKey();

        assertThat(reader.read(everyKey)).isEqualTo(ProfileJson.parse(everyKey));
    }

    @Test
    void anUnknownGpuTypeNeedsMemoryAndPeak() throws IOException {
        String json = ProfileJsonTest.everyKey().replace("\"peakTflops\" : 362.0,", "");

        assertThatThrownBy(() -> reader.read(json))
                .isInstanceOf(InvalidProfileException.class)
                .hasMessage("Invalid cluster profile: nodes[1] ('node-1').gpus[0]: unknown GPU type 'L40S' (catalog: "
                        + GpuCatalogNames.names() + "); an unknown type needs both memoryBytes and peakTflops");
    }

    @Test
    void aLinkToAnUnknownNodeIsRejected() throws IOException {
        String json = ProfileJsonTest.everyKey().replace("\"to\" : \"node-1\"", "\"to\" : \"node-9\"");

        assertThatThrownBy(() -> reader.read(json)).hasMessageContaining("links[0] refers to unknown node 'node-9'");
    }

    @Test
    void aNegativeBandwidthIsRejected() throws IOException {
        String json = ProfileJsonTest.everyKey().replace("391.25", "-391.25");

        assertThatThrownBy(() -> reader.read(json))
                .hasMessageContaining("links[0].bandwidthGbps must be between 0.01 and 100000.0, got -391.25");
    }

    @Test
    void everyProblemIsReportedEachWithItsPlace() throws IOException {
        String json = ProfileJsonTest.everyKey()
                .replace("[ [ 0.0, 450.0 ], [ 449.5, 0.0 ] ]", "[ [ 0.0, 450.0, 1.0 ], [ 449.5, 0.0, 1.0 ] ]")
                .replace("\"name\" : \"node-1\"", "\"name\" : \"node-0\"")
                .replace(
                        "\"measuredAt\" : \"2026-11-28T05:00:07.250Z\",\n  \"nodes\"",
                        "\"measuredAt\" : \"yesterday\",\n  \"nodes\"");

        assertThatThrownBy(() -> reader.read(json))
                .isInstanceOfSatisfying(
                        InvalidProfileException.class,
                        e -> assertThat(e.problems())
                                .contains(
                                        "measuredAt is not an ISO-8601 instant (e.g. 2026-11-28T05:00:00Z): 'yesterday'",
                                        "duplicate node name 'node-0' at nodes[1]",
                                        "nodes[0] ('node-0').intraNode.bandwidthGBps[0] has 3 columns but the node has 2 GPUs"));
    }

    @Test
    void aProfileWithoutNodesIsNotACluster() {
        assertThatThrownBy(() -> reader.read("{\"name\": \"c\"}"))
                .isInstanceOf(InvalidProfileException.class)
                .hasMessage("Invalid cluster profile: 'nodes' is empty: a cluster needs at least one node");
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("cluster.json");

        assertThatThrownBy(() -> reader.read(missing))
                .isInstanceOf(InvalidProfileException.class)
                .hasMessage("Invalid cluster profile: cluster profile file " + missing + " does not exist");
    }
}
