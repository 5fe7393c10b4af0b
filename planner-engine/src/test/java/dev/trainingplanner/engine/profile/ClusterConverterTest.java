package dev.trainingplanner.engine.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ClusterProfileReader;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Conversion of a read profile into the cost-model cluster: units, defaults, unknown GPU types and exclusions. */
class ClusterConverterTest {

    private final ClusterProfileReader reader = new ClusterProfileReader();

    private static final String TWO_NODES =
            """
            {
              "name": "cluster-a",
              "measuredAt": "2026-11-28T05:00:00Z",
              "nodes": [
                {"name": "node-0", "gpus": [
                    {"index": 0, "type": "H100-80GB", "memoryBytes": 85520809984, "memoryUsedBytes": 1000000000},
                    {"index": 1, "type": "H100-80GB", "relativeSpeed": 0.9}],
                 "intraNode": {"bandwidthGBps": [[0, 450.0], [300.0, 0]], "latencyUs": [[0, 2.0], [2.0, 0]]},
                 "compute": {"relativeSpeed": 1.0, "slowProbability": 0.02, "slowdown": 1.6}},
                {"name": "node-1", "gpus": [
                    {"index": 0, "type": "H100-80GB"}, {"index": 1, "type": "H100-80GB"}]}
              ],
              "links": [{"from": "node-0", "to": "node-1", "bandwidthGbps": 400.0, "latencyUs": 5.0,
                         "p95BandwidthGbps": 380.0, "measuredAt": "2026-11-28T05:00:00Z"}],
              "defaultLink": {"bandwidthGbps": 200.0, "latencyUs": 6.0}
            }
            """;

    @Test
    void readsEveryFieldAndConvertsUnits() {
        ClusterProfile profile = reader.read(TWO_NODES);
        ProfiledCluster converted = new ClusterConverter().convert(profile, Set.of(), Set.of());
        Cluster cluster = converted.cluster();

        assertThat(cluster.nodeCount()).isEqualTo(2);
        assertThat(cluster.gpusPerNode()).isEqualTo(2);
        assertThat(cluster.usableMemoryBytes(0, 0)).isEqualTo(85520809984.0 - 1e9);
        assertThat(cluster.relativeSpeed(0, 1)).isEqualTo(0.9);
        assertThat(cluster.intraBandwidthBytesPerSecond(0, 1, 0)).isEqualTo(300e9);
        // 400 Gbit/s = 50 GB/s; the missing reverse direction is taken as symmetric.
        assertThat(cluster.interBandwidthBytesPerSecond(0, 1)).isEqualTo(50e9);
        assertThat(cluster.interBandwidthBytesPerSecond(1, 0)).isEqualTo(50e9);
        assertThat(cluster.interLatencySeconds(1, 0)).isCloseTo(5e-6, within(1e-15));
        assertThat(cluster.straggler(0).probability()).isEqualTo(0.02);
        assertThat(cluster.straggler(1).isNone()).isTrue();
        assertThat(converted.defaultsUsed())
                .anyMatch(d -> d.startsWith("GPU memory: catalog H100-80GB"))
                .anyMatch(d -> d.startsWith("intra-node GPU links"));
    }

    @Test
    void nodesOfOneNvlinkDomainShareIt() {
        String json = TWO_NODES
                .replace("{\"name\": \"node-0\",", "{\"name\": \"node-0\", \"nvlinkDomain\": \"rack-7\",")
                .replace("{\"name\": \"node-1\",", "{\"name\": \"node-1\", \"nvlinkDomain\": \"rack-7\",");
        Cluster shared = new ClusterConverter()
                .convert(reader.read(json), Set.of(), Set.of())
                .cluster();
        Cluster split = new ClusterConverter()
                .convert(reader.read(json.replaceFirst("rack-7", "rack-8")), Set.of(), Set.of())
                .cluster();
        Cluster none = new ClusterConverter()
                .convert(reader.read(TWO_NODES), Set.of(), Set.of())
                .cluster();

        assertThat(shared.nvlinkDomain(0)).isEqualTo("rack-7");
        assertThat(shared.sameNvlinkDomain(0, 1)).isTrue();
        assertThat(split.nvlinkDomain(0)).isEqualTo("rack-8");
        assertThat(split.sameNvlinkDomain(0, 1)).isFalse();
        assertThat(none.nvlinkDomain(1)).isNull();
        assertThat(none.sameNvlinkDomain(0, 1)).isFalse();
    }

    @Test
    void anExcludedNodeLeavesTheOthersInTheirDomain() {
        String json = TWO_NODES
                .replace("{\"name\": \"node-0\",", "{\"name\": \"node-0\", \"nvlinkDomain\": \"rack-7\",")
                .replace("{\"name\": \"node-1\",", "{\"name\": \"node-1\", \"nvlinkDomain\": \"rack-9\",");
        Cluster cluster = new ClusterConverter()
                .convert(reader.read(json), Set.of("node-0"), Set.of())
                .cluster();

        assertThat(cluster.nodeCount()).isEqualTo(1);
        assertThat(cluster.nvlinkDomain(0)).isEqualTo("rack-9");
    }

    @Test
    void defaultLinkCoversUnlistedPairs() {
        ClusterProfile noLinks = reader.read(TWO_NODES.replaceAll("(?s)\"links\": \\[.*?\\],", ""));
        Cluster cluster =
                new ClusterConverter().convert(noLinks, Set.of(), Set.of()).cluster();
        assertThat(cluster.interBandwidthBytesPerSecond(0, 1)).isEqualTo(25e9);
        assertThat(cluster.interLatencySeconds(0, 1)).isCloseTo(6e-6, within(1e-15));
    }

    @Test
    void unknownGpuTypeWithMemoryAndPeakIsAccepted() {
        String json = TWO_NODES
                .replaceAll("\"type\": \"H100-80GB\"", "\"type\": \"X200\", \"peakTflops\": 1500.0")
                .replace(
                        "{\"index\": 1, \"type\": \"X200\", \"peakTflops\": 1500.0, \"relativeSpeed\": 0.9}",
                        "{\"index\": 1, \"type\": \"X200\", \"peakTflops\": 1500.0, \"memoryBytes\": 100000000000}");
        String complete = json.replaceAll(
                "\\{\"index\": (\\d), \"type\": \"X200\", \"peakTflops\": 1500.0\\}",
                "{\"index\": $1, \"type\": \"X200\", \"peakTflops\": 1500.0, \"memoryBytes\": 100000000000}");
        ProfiledCluster cluster = new ClusterConverter().convert(reader.read(complete), Set.of(), Set.of());
        assertThat(cluster.cluster().gpuType().name()).isEqualTo("X200");
        assertThat(cluster.cluster().gpuType().peakTflopsBf16()).isEqualTo(1500.0);
    }

    @Test
    void exclusionsRemoveNodesAndGpus() {
        ClusterProfile profile = reader.read(TWO_NODES);
        ProfiledCluster converted = new ClusterConverter().convert(profile, Set.of(), Set.of("node-1:0"));
        assertThat(converted.cluster().gpusPerNode()).isEqualTo(1);
        assertThat(converted.profileGpuIndex(1, 0)).isEqualTo(1);
        assertThat(converted.excluded()).contains("GPU node-1:0: excluded on request");
        assertThatThrownBy(() -> new ClusterConverter().convert(profile, Set.of("node-7"), Set.of()))
                .hasMessageContaining("excluded node 'node-7' is not in cluster 'cluster-a'");
    }
}
