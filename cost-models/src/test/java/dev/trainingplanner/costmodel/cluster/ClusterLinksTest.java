package dev.trainingplanner.costmodel.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Node-pair links read the same from the dense tables of small clusters and the compressed rows of large ones. */
class ClusterLinksTest {

    private static final GpuType H100 = GpuCatalog.byName("H100-80GB");

    /** The same measurements on the first nodes of a cluster of {@code nodes}. */
    private static Cluster measured(int nodes) {
        Cluster.Builder b = Cluster.builder(H100, nodes, 8).nodeNetworkBandwidth(5, 20e9);
        Random random = new Random(3);
        // Node 3 has more measured links than a lookup scans, so that it bisects.
        for (int to = 40; to > 0; to -= 3) {
            b.interLink(3, to, 10e9 + random.nextDouble() * 40e9, random.nextDouble() * 2e-5);
        }
        b.interLink(4, 5, 7e9, 3e-5);
        b.interLink(5, 4, 8e9, 4e-5);
        b.interLink(4, 5, 9e9, 1e-5); // measured again: the last value counts
        return b.build();
    }

    @Test
    void largeClustersLookUpMeasuredAndDefaultLinksLikeSmallOnes() {
        Cluster small = measured(64);
        Cluster large = measured(600);
        assertThat(small.hasDenseNodePairTables()).isTrue();
        assertThat(large.hasDenseNodePairTables()).isFalse();
        for (int from = 0; from < 64; from++) {
            for (int to = 0; to < 64; to++) {
                if (from != to) {
                    assertThat(large.interBandwidthBytesPerSecond(from, to))
                            .as("bandwidth %d -> %d", from, to)
                            .isEqualTo(small.interBandwidthBytesPerSecond(from, to));
                    assertThat(large.interLatencySeconds(from, to))
                            .as("latency %d -> %d", from, to)
                            .isEqualTo(small.interLatencySeconds(from, to));
                }
            }
        }
        assertThat(large.interBandwidthBytesPerSecond(4, 5)).isEqualTo(9e9);
        assertThat(large.interLatencySeconds(4, 5)).isEqualTo(1e-5);
        assertThat(large.interBandwidthBytesPerSecond(5, 6)).isEqualTo(20e9);
        assertThat(large.interLatencySeconds(5, 6)).isEqualTo(Cluster.DEFAULT_INTER_LATENCY_SECONDS);
        assertThat(large.interBandwidthBytesPerSecond(599, 598)).isEqualTo(H100.nodeNetworkBandwidthBytesPerSecond());
    }

    @Test
    void aRebuiltLargeClusterKeepsItsLinks() {
        Cluster large = measured(600);
        Cluster rebuilt = large.toBuilder().interLink(598, 599, 1e9, 0).build();
        assertThat(rebuilt.interBandwidthBytesPerSecond(3, 40)).isEqualTo(large.interBandwidthBytesPerSecond(3, 40));
        assertThat(rebuilt.interLatencySeconds(4, 5)).isEqualTo(1e-5);
        assertThat(rebuilt.interBandwidthBytesPerSecond(598, 599)).isEqualTo(1e9);
        assertThat(rebuilt.interLatencySeconds(598, 599)).isZero();
    }

    @Test
    void meanPairBandwidthOfALargeClusterIsTheMeanOverEveryOtherNode() {
        Cluster large = measured(600);
        double[] mean = large.meanPairBandwidthBytesPerSecond();
        for (int a = 0; a < 600; a++) {
            double sum = 0;
            for (int b = 0; b < 600; b++) {
                if (a != b) {
                    sum += Math.min(large.interBandwidthBytesPerSecond(a, b), large.interBandwidthBytesPerSecond(b, a));
                }
            }
            assertThat(mean[a]).as("node %d", a).isCloseTo(sum / 599, within(1e-6 * sum / 599));
        }
    }
}
