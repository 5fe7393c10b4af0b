package dev.trainingplanner.costmodel.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainingplanner.costmodel.InvalidInputException;
import org.junit.jupiter.api.Test;

/** Corrected copies of a cluster: each link scaled by the efficiency of its tier, GPU speeds, straggler odds. */
class ClusterCorrectionTest {

    private static final GpuType H100 = GpuCatalog.byName("H100-80GB");

    private static Cluster measured() {
        return Cluster.builder(H100, 3, 4)
                .nvlinkDomain(0, "rack-a")
                .nvlinkDomain(1, "rack-a")
                .intraLink(2, 0, 1, 100e9, 7e-6)
                .interLink(0, 1, 400e9, 2e-6) // same NVLink domain
                .interLink(1, 2, 40e9, 15e-6) // across the network
                .nodeNetworkBandwidth(2, 30e9)
                .relativeSpeed(1, 3, 0.9)
                .straggler(0, StragglerModel.bernoulli(0.4, 1.5))
                .straggler(1, StragglerModel.shiftedExponential(1.0, 20))
                .build();
    }

    @Test
    void everyLinkIsScaledByTheEfficiencyOfItsTierAndLatenciesAreKept() {
        Cluster before = measured();
        Cluster after = before.withLinkEfficiencies(0.8, 0.5);

        assertThat(after.defaultIntraBandwidthBytesPerSecond())
                .isEqualTo(before.defaultIntraBandwidthBytesPerSecond() * 0.8);
        assertThat(after.intraBandwidthBytesPerSecond(2, 0, 1)).isEqualTo(100e9 * 0.8);
        assertThat(after.intraBandwidthBytesPerSecond(2, 1, 0))
                .isEqualTo(before.defaultIntraBandwidthBytesPerSecond() * 0.8);
        assertThat(after.interBandwidthBytesPerSecond(0, 1)).as("NVLink domain").isEqualTo(400e9 * 0.8);
        assertThat(after.interBandwidthBytesPerSecond(1, 2)).as("network").isEqualTo(40e9 * 0.5);
        assertThat(after.nodeNetworkBandwidthBytesPerSecond(2)).isEqualTo(30e9 * 0.5);
        assertThat(after.interBandwidthBytesPerSecond(0, 2))
                .as("default pair: the smaller NIC")
                .isEqualTo(30e9 * 0.5);

        assertThat(after.intraLatencySeconds(2, 0, 1)).isEqualTo(7e-6);
        assertThat(after.interLatencySeconds(1, 2)).isEqualTo(15e-6);
        assertThat(after.nvlinkDomain(1)).isEqualTo("rack-a");
        assertThat(after.isUniformNode(0)).isEqualTo(before.isUniformNode(0)).isTrue();
    }

    @Test
    void computeSpeedScalesEveryGpuAndKeepsUniformNodesUniform() {
        Cluster before = measured();
        Cluster after = before.withComputeSpeedFactor(0.9);
        assertThat(after.relativeSpeed(0, 0)).isEqualTo(0.9);
        assertThat(after.relativeSpeed(1, 3)).isEqualTo(0.9 * 0.9);
        assertThat(after.isUniformNode(0)).isTrue();
        assertThat(after.isUniformNode(1)).isFalse();
    }

    @Test
    void stragglerProbabilityScalesBernoulliNodesUpToCertainty() {
        Cluster after = measured().withStragglerProbabilityFactor(3);
        assertThat(after.straggler(0).probability()).isEqualTo(1.0);
        assertThat(after.straggler(0).slowdown()).isEqualTo(1.5);
        assertThat(after.straggler(1)).isEqualTo(StragglerModel.shiftedExponential(1.0, 20));
        assertThat(measured().withStragglerProbabilityFactor(0.5).straggler(0).probability())
                .isEqualTo(0.2);
    }

    @Test
    void nonPositiveEfficienciesAreRefused() {
        assertThatThrownBy(() -> measured().withLinkEfficiencies(0, 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("NVLink efficiency");
        assertThatThrownBy(() -> measured().withComputeSpeedFactor(-1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("compute speed factor");
    }
}
