package dev.trainingplanner.engine.solver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.engine.TestProblems;
import dev.trainingplanner.engine.bench.SyntheticClusters;
import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ClusterProfile.NodeProfile;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeOrderingTest {

    /** {@code trays} nodes of 4 GPUs, consecutive runs of {@code perDomain} sharing an NVLink domain (0 = none). */
    private static Cluster trays(int trays, int perDomain) {
        ClusterProfile base = SyntheticClusters.generate(
                new SyntheticClusters.Spec("trays", trays, 4, "H100-80GB", 0, 1.0, 0.0, 1.0, 0, 0, 1, 1L));
        List<NodeProfile> nodes = base.nodes().stream()
                .map(n -> new NodeProfile(
                        n.name(),
                        n.gpus(),
                        n.intraNode(),
                        n.compute(),
                        n.measuredAt(),
                        perDomain == 0
                                ? null
                                : "rack-" + Integer.parseInt(n.name().substring("node-".length())) / perDomain))
                .toList();
        return TestProblems.convert(new ClusterProfile(base.name(), null, nodes, base.links(), base.defaultLink()))
                .cluster();
    }

    @Test
    void sixtyFourOfSeventyTwoTraysAreSixteenOfEachRackOneRackAfterTheOther() {
        Cluster cluster = trays(72, 18);

        int[] order = NodeOrdering.startOrders(cluster, 64, 4).domainGrouped();

        for (int block = 0; block < 4; block++) {
            String domain = cluster.nvlinkDomain(order[block * 16]);
            for (int position = block * 16; position < (block + 1) * 16; position++) {
                assertThat(cluster.nvlinkDomain(order[position])).isEqualTo(domain);
            }
        }
        assertThat(Arrays.stream(order, 0, 64).distinct().count()).isEqualTo(64);
        assertThat(Arrays.stream(order).sorted().toArray())
                .isEqualTo(java.util.stream.IntStream.range(0, 72).toArray());
    }

    @Test
    void aJobThatFitsInOneRackStaysInIt() {
        Cluster cluster = trays(72, 18);

        int[] order = NodeOrdering.startOrders(cluster, 16, 4).domainGrouped();

        String domain = cluster.nvlinkDomain(order[0]);
        assertThat(Arrays.stream(order, 0, 16).mapToObj(cluster::nvlinkDomain)).allMatch(domain::equals);
    }

    @Test
    void withoutDomainsAcrossNodesTheOrderIsTheHealthyPackedOne() {
        NodeOrdering.StartOrders orders = NodeOrdering.startOrders(trays(8, 0), 6, 4);

        assertThat(orders.domainGrouped()).isSameAs(orders.healthyPacked());
    }

    @Test
    void tensorParallelGroupsMaySpanTheTraysOfTheSmallestNvlinkDomain() {
        assertThat(new SearchSpace(trays(72, 18), 64, 4, 0.05).nvlinkIslandGpus())
                .isEqualTo(72);
        // 20 trays in racks of 18: the last rack holds 2 trays, so only 8 GPUs are sure to share NVLink.
        assertThat(new SearchSpace(trays(20, 18), 16, 4, 0.05).nvlinkIslandGpus())
                .isEqualTo(8);
        assertThat(new SearchSpace(trays(8, 0), 8, 4, 0.05).nvlinkIslandGpus()).isEqualTo(4);
    }
}
