package dev.trainingplanner.engine.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainingplanner.engine.plan.SearchStoppedException;
import dev.trainingplanner.engine.solver.NodeOrdering;
import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ClusterProfile.DefaultLink;
import dev.trainingplanner.profile.ClusterProfile.GpuProfile;
import dev.trainingplanner.profile.ClusterProfile.LinkProfile;
import dev.trainingplanner.profile.ClusterProfile.NodeProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A 100,000-node cluster (ten uploads of the 10,000 nodes an upload may hold): what runs before the search grows
 * linearly with the nodes, and stops when the planning thread is interrupted. Before, one list {@code contains()} per
 * node when checking GPU types and reading every node pair for the construction order made each take many minutes.
 */
class HugeClusterTest {

    private static final int NODES = 100_000;

    /** Generous for a loaded 2-core machine; the quadratic versions took more than ten minutes. */
    private static final double LIMIT_SECONDS = 30;

    @Test
    void aHundredThousandNodesConvertAndOrderInLinearTime() {
        ClusterProfile profile = profile(NODES);
        long start = System.nanoTime();
        ProfiledCluster converted = new ClusterConverter().convert(profile, Set.of(), Set.of());
        double convertSeconds = (System.nanoTime() - start) / 1e9;
        assertThat(converted.cluster().nodeCount()).isEqualTo(NODES);
        assertThat(convertSeconds).as("conversion seconds").isLessThan(LIMIT_SECONDS);

        start = System.nanoTime();
        NodeOrdering.StartOrders orders = NodeOrdering.startOrders(converted.cluster(), 8, 8);
        double orderSeconds = (System.nanoTime() - start) / 1e9;
        assertThat(orderSeconds).as("start-order seconds").isLessThan(LIMIT_SECONDS);
        // The nodes on the slow links are the least healthy, so they are the last spares.
        assertThat(orders.healthyPacked()[NODES - 1]).isIn(0, 1);
    }

    @Test
    void conversionStopsWhenThePlanningThreadIsInterrupted() {
        ClusterProfile profile = profile(1_000);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> new ClusterConverter().convert(profile, Set.of(), Set.of()))
                    .isInstanceOf(SearchStoppedException.class)
                    .hasMessageContaining("profile conversion");
        } finally {
            Thread.interrupted();
        }
    }

    private static ClusterProfile profile(int nodes) {
        List<NodeProfile> list = new ArrayList<>(nodes);
        for (int n = 0; n < nodes; n++) {
            List<GpuProfile> gpus = new ArrayList<>(8);
            for (int g = 0; g < 8; g++) {
                gpus.add(new GpuProfile(g, "H100-80GB", null, null, null, null, null));
            }
            list.add(new NodeProfile("node-" + n, gpus, null, null, null, null));
        }
        List<LinkProfile> links = List.of(new LinkProfile("node-0", "node-1", 10.0, 50.0, null, null, null));
        return new ClusterProfile("huge", null, list, links, new DefaultLink(400.0, 5.0));
    }
}
