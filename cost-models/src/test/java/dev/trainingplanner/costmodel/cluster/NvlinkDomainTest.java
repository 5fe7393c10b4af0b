package dev.trainingplanner.costmodel.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.estimate.TimeBreakdown;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import org.junit.jupiter.api.Test;

/**
 * Nodes of one NVL72 rack share an NVLink domain; other nodes, and nodes without a domain, do not. Links between
 * trays of one domain are priced as NVLink, links between domains as the network.
 */
class NvlinkDomainTest {

    private static final GpuType H100 = GpuCatalog.byName("H100-80GB");
    private static final GpuType GB200 = GpuCatalog.byName("GB200-186GB");
    private static final ModelSpec LLAMA_8B = ModelPresets.byName("llama3-8b");
    private static final TrainingSpec TRAINING = new TrainingSpec(16, 1, Precision.BF16);
    private static final CostModel MODEL = new CostModel();

    private static final Layout TP8 = Layout.builder()
            .tp(8)
            .sequenceParallel(true)
            .recompute(Recompute.SELECTIVE)
            .zeroStage(1)
            .build();

    /** The time of a TP=8 group on the first two 4-GPU trays of {@code cluster}. */
    private static TimeBreakdown onTwoTrays(Cluster cluster) {
        return MODEL.estimate(LLAMA_8B, TRAINING, cluster, TP8, Placement.packed(cluster, 2, 4))
                .breakdown();
    }

    @Test
    void aTensorParallelGroupOnTwoTraysOfOneDomainIsPricedLikeNvlinkAndAcrossDomainsLikeTheNetwork() {
        Cluster oneRack = Cluster.builder(GB200, 2, 4)
                .nvlinkDomain(0, "rack-a")
                .nvlinkDomain(1, "rack-a")
                .build();
        Cluster twoRacks = Cluster.builder(GB200, 2, 4)
                .nvlinkDomain(0, "rack-a")
                .nvlinkDomain(1, "rack-b")
                .build();
        Cluster noDomains = Cluster.uniform(GB200, 2, 4);
        // The reference: the same eight GPUs on one NVLink switch, as one node.
        Cluster oneNode = Cluster.uniform(GB200, 1, 8);

        double inRack = onTwoTrays(oneRack).exposedTensorParallelSeconds();
        double acrossRacks = onTwoTrays(twoRacks).exposedTensorParallelSeconds();
        double network = onTwoTrays(noDomains).exposedTensorParallelSeconds();
        double nvlink = MODEL.estimate(LLAMA_8B, TRAINING, oneNode, TP8, Placement.packed(oneNode, 1, 8))
                .breakdown()
                .exposedTensorParallelSeconds();

        assertThat(inRack).isCloseTo(nvlink, within(1e-9 * nvlink));
        assertThat(acrossRacks).isEqualTo(network);
        // 900 GB/s NVLink per GPU against a tray's 4x400 Gb/s shared by its 4 GPUs for the hierarchical network phase.
        assertThat(network).isGreaterThan(2 * inRack);
    }

    @Test
    void nodesShareADomainOnlyWhenTheyNameTheSameOne() {
        Cluster cluster = Cluster.builder(H100, 4, 4)
                .nvlinkDomain(0, "rack-a")
                .nvlinkDomain(1, " rack-a ")
                .nvlinkDomain(2, "rack-b")
                .build();

        assertThat(cluster.sameNvlinkDomain(0, 1)).isTrue();
        assertThat(cluster.sameNvlinkDomain(1, 2)).isFalse();
        assertThat(cluster.sameNvlinkDomain(2, 3)).isFalse();
        assertThat(cluster.sameNvlinkDomain(3, 3))
                .as("a node is its own domain")
                .isTrue();
        assertThat(cluster.nvlinkDomain(1)).isEqualTo("rack-a");
        assertThat(cluster.nvlinkDomain(3)).isNull();
    }

    @Test
    void toBuilderKeepsTheDomains() {
        Cluster cluster =
                Cluster.builder(H100, 2, 4).nvlinkDomain(0, "rack-a").nvlinkDomain(1, "rack-a").build().toBuilder()
                        .nvlinkDomain(1, "")
                        .build();

        assertThat(cluster.nvlinkDomain(0)).isEqualTo("rack-a");
        assertThat(cluster.sameNvlinkDomain(0, 1)).isFalse();
    }
}
