package dev.trainingplanner.costmodel.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.PartitionGroups;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.layout.ZeroPlusPlus;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.placement.RankCoordinates;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ZeRO++, hierarchical partitioning, Ladder Residual, uneven splits, heterogeneous GPUs and rank coordinates. */
class LayoutFeaturesTest {

    private static final CostModel MODEL = new CostModel();
    private static final ModelSpec LLAMA_8B = ModelPresets.byName("llama3-8b");
    private static final ModelSpec LLAMA_70B = ModelPresets.byName("llama3-70b");
    private static final TrainingSpec TRAINING = new TrainingSpec(64, 1, Precision.BF16);

    @Test
    void rankCoordinatesFollowMegatronOrder() {
        Layout layout = Layout.builder().tp(2).cp(2).dp(2).pp(2).build();
        assertThat(RankCoordinates.of(13, layout)).isEqualTo(new RankCoordinates(1, 0, 1, 1));
        for (int r = 0; r < layout.worldSize(); r++) {
            assertThat(RankCoordinates.of(r, layout).rank(layout)).isEqualTo(r);
        }
    }

    @Test
    void hpzAddsTwoBytesPerParameterOverItsGroupAndPartitionGroupsShardOnTheirTiers() {
        Cluster cluster = Cluster.uniform(GpuCatalog.byName("MI250X-GCD"), 8, 8);
        Layout zero3 = Layout.builder().dp(64).zeroStage(3).build();
        PreparedLayout plain = MODEL.prepare(LLAMA_8B, TRAINING, cluster, zero3);
        PreparedLayout hpz = MODEL.prepare(
                LLAMA_8B,
                TRAINING,
                cluster,
                zero3.toBuilder()
                        .zeroPlusPlus(new ZeroPlusPlus(false, 8, false))
                        .build());
        double params = plain.stageParameters[0];
        assertThat(hpz.stageMemory().get(0).weightsBytes()
                        - plain.stageMemory().get(0).weightsBytes())
                .isCloseTo(2 * params / 8, within(1.0));

        PartitionGroups tiers = PartitionGroups.onTiers(
                PartitionGroups.Tier.GPU_PAIR, PartitionGroups.Tier.NODE, PartitionGroups.Tier.WORLD, 8, 64);
        assertThat(tiers).isEqualTo(new PartitionGroups(2, 8, 64));
        PreparedLayout tiered = MODEL.prepare(
                LLAMA_8B,
                TRAINING,
                cluster,
                zero3.toBuilder().partitionGroups(tiers).build());
        StageMemory s = tiered.stageMemory().get(0);
        StageMemory p = plain.stageMemory().get(0);
        // §7.5: weights 2Ψ/P + 2Ψ/k_W, gradients 2Ψ/k_G, optimizer 12Ψ/k_OS (plus the same gathered working set).
        assertThat(s.weightsBytes() - p.weightsBytes()).isCloseTo(2 * params / 2, within(1.0));
        assertThat(s.gradientsBytes() - p.gradientsBytes()).isCloseTo(2 * params / 8 - 2 * params / 64, within(1.0));
        assertThat(s.optimizerStatesBytes()).isCloseTo(p.optimizerStatesBytes(), within(1.0));
    }

    @Test
    void zeroPlusPlusCutsExposedCommunicationOnASlowNetwork() {
        Cluster slow = Cluster.builder(GpuCatalog.byName("V100-32GB"), 4, 8)
                .nodeNetworkBandwidth(12.5e9)
                .build();
        Layout zero3 =
                Layout.builder().dp(32).zeroStage(3).recompute(Recompute.FULL).build();
        TrainingSpec training = new TrainingSpec(32, 1, Precision.FP16);
        ModelSpec gpt = ModelPresets.byName("gpt3-13b");
        double plain =
                MODEL.estimatePacked(gpt, training, slow, zero3).breakdown().exposedDataParallelSeconds();
        double zpp = MODEL.estimatePacked(
                        gpt,
                        training,
                        slow,
                        zero3.toBuilder()
                                .zeroPlusPlus(new ZeroPlusPlus(true, 8, true))
                                .build())
                .breakdown()
                .exposedDataParallelSeconds();
        assertThat(plain).isPositive();
        assertThat(zpp).isLessThan(plain * 0.6);
    }

    @Test
    void ladderResidualHidesTensorParallelCommunicationAcrossNodes() {
        Cluster cluster = Cluster.uniform(GpuCatalog.byName("H100-80GB"), 2, 8);
        Layout tp16 = Layout.builder().tp(16).sequenceParallel(true).build();
        List<Integer> allLayers = new ArrayList<>();
        for (int i = 0; i < LLAMA_70B.layers(); i++) {
            allLayers.add(i);
        }
        TrainingSpec training = new TrainingSpec(8, 1, Precision.BF16);
        Estimate standard = MODEL.estimatePacked(LLAMA_70B, training, cluster, tp16);
        Estimate ladder = MODEL.estimatePacked(
                LLAMA_70B,
                training,
                cluster,
                tp16.toBuilder().ladderLayers(allLayers).build());
        assertThat(ladder.breakdown().exposedTensorParallelSeconds())
                .isLessThan(standard.breakdown().exposedTensorParallelSeconds());
        assertThat(ladder.iterationTimeSeconds()).isLessThan(standard.iterationTimeSeconds());
    }

    @Test
    void unevenSplitMovesLayersBetweenStages() {
        Cluster cluster = Cluster.uniform(GpuCatalog.byName("H100-80GB"), 4, 8);
        Layout even = Layout.builder().tp(8).pp(4).build();
        Layout uneven =
                even.toBuilder().stageLayerCounts(List.of(18, 22, 22, 18)).build();
        PreparedLayout p = MODEL.prepare(LLAMA_70B, TRAINING, cluster, uneven);
        assertThat(p.stageMemory()).extracting(StageMemory::layers).containsExactly(18, 22, 22, 18);
        assertThat(p.violations()).isEmpty();
        Layout wrong = even.toBuilder().stageLayerCounts(List.of(20, 20, 20)).build();
        assertThat(MODEL.prepare(LLAMA_70B, TRAINING, cluster, wrong).violations())
                .anySatisfy(v -> assertThat(v.reason()).contains("must list 4 stages summing to 80 layers"));
    }

    @Test
    void slowGpusAndReducedUsableMemoryAffectOnlyTheRanksPlacedOnThem() {
        Cluster nominal = Cluster.uniform(GpuCatalog.byName("H100-80GB"), 2, 8);
        Layout layout = Layout.builder().tp(8).dp(2).sequenceParallel(true).build();
        TrainingSpec training = new TrainingSpec(16, 1, Precision.BF16);
        Estimate base = MODEL.estimatePacked(LLAMA_8B, training, nominal, layout);
        Cluster slowGpu = nominal.toBuilder().relativeSpeed(1, 3, 0.5).build();
        assertThat(MODEL.estimatePacked(LLAMA_8B, training, slowGpu, layout).iterationTimeSeconds())
                .isGreaterThan(base.iterationTimeSeconds() * 1.5);

        double peak = base.peakMemoryBytes();
        Cluster smallGpu = nominal.toBuilder().usableMemory(1, 3, peak * 0.9).build();
        Estimate e = MODEL.estimatePacked(LLAMA_8B, training, smallGpu, layout);
        assertThat(e.fits(0)).isFalse();
        assertThat(e.ranks().get(11).fits(0)).isFalse();
        assertThat(e.ranks().get(0).fits(0)).isTrue();
        assertThat(e.violations())
                .anySatisfy(v -> assertThat(v.reason()).contains("rank 11").contains("node 1 GPU 3"));
        // Moving the small GPU out of the layout's nodes removes the problem.
        Cluster bigger = Cluster.builder(GpuCatalog.byName("H100-80GB"), 3, 8)
                .usableMemory(2, 3, peak * 0.9)
                .build();
        assertThat(MODEL.estimate(LLAMA_8B, training, bigger, layout, Placement.packed(bigger, 2, 8))
                        .fits(0))
                .isTrue();
    }
}
