package dev.trainingplanner.costmodel.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import dev.trainingplanner.costmodel.cluster.StragglerModel;
import dev.trainingplanner.costmodel.layout.GradientCoding;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.layout.ZeroPlusPlus;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CostModelTest {

    private static final CostModel MODEL = new CostModel();
    private static final ModelSpec LLAMA_8B = ModelPresets.byName("llama3-8b");
    private static final ModelSpec LLAMA_70B = ModelPresets.byName("llama3-70b");
    private static final TrainingSpec TRAINING = new TrainingSpec(256, 1, Precision.BF16);

    private static Cluster h100(int nodes) {
        return Cluster.uniform(GpuCatalog.byName("H100-80GB"), nodes, 8);
    }

    private static Layout layout(int tp, int pp, int dp) {
        return Layout.builder()
                .tp(tp)
                .pp(pp)
                .dp(dp)
                .sequenceParallel(tp > 1)
                .recompute(Recompute.SELECTIVE)
                .zeroStage(1)
                .build();
    }

    @Test
    void everyRankIsReportedAndFirstAndLastStagesCarryEmbeddingAndOutput() {
        Cluster cluster = h100(8);
        Estimate e = MODEL.estimatePacked(LLAMA_70B, TRAINING, cluster, layout(4, 4, 4));
        assertThat(e.ranks()).hasSize(64);
        assertThat(e.ranks().get(63).stage()).isEqualTo(3);
        List<StageMemory> stages = e.stages();
        assertThat(stages.get(0).weightsBytes()).isGreaterThan(stages.get(1).weightsBytes());
        assertThat(stages.get(3).weightsBytes()).isGreaterThan(stages.get(1).weightsBytes());
        assertThat(stages.get(0).microBatchesInFlight()).isEqualTo(4);
        assertThat(stages.get(3).microBatchesInFlight()).isEqualTo(1);
        assertThat(e.iterationTimeSeconds()).isPositive().isFinite();
        assertThat(e.breakdown().totalSeconds())
                .isCloseTo(e.iterationTimeSeconds(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(e.mfu()).isBetween(0.2, 0.8);
    }

    @Test
    void layoutThatCannotFitIsFlaggedWithAReason() {
        Estimate e = MODEL.estimatePacked(LLAMA_70B, TRAINING, h100(1), layout(8, 1, 1));
        assertThat(e.fits(0)).isFalse();
        assertThat(e.violations()).anySatisfy(v -> {
            assertThat(v.code()).isEqualTo(ViolationCode.OUT_OF_MEMORY);
            assertThat(v.reason()).contains("needs").contains("GiB");
        });
    }

    @Test
    void structuralViolationsHaveSpecificReasons() {
        ModelSpec odd = new ModelSpec(
                "odd",
                30,
                4096,
                11008,
                32,
                32,
                32000,
                4096,
                dev.trainingplanner.costmodel.model.MlpKind.SWIGLU,
                false,
                true);
        Estimate heads = MODEL.estimatePacked(odd, new TrainingSpec(24, 1, Precision.BF16), h100(3), layout(3, 1, 8));
        assertThat(heads.violations()).extracting(Violation::code).contains(ViolationCode.HEADS_NOT_DIVISIBLE);
        assertThat(heads.violations()).anySatisfy(v -> assertThat(v.reason()).contains("not divisible by tp = 3"));

        Estimate layers = MODEL.estimatePacked(odd, TRAINING, h100(1), layout(1, 4, 2));
        assertThat(layers.violations()).extracting(Violation::code).contains(ViolationCode.LAYERS_NOT_DIVISIBLE);

        Estimate batch =
                MODEL.estimatePacked(LLAMA_8B, new TrainingSpec(100, 1, Precision.BF16), h100(1), layout(1, 1, 8));
        assertThat(batch.violations()).extracting(Violation::code).contains(ViolationCode.BATCH_NOT_DIVISIBLE);

        Layout zeroPlusPlusOnStage1 = layout(1, 1, 8).toBuilder()
                .zeroPlusPlus(new ZeroPlusPlus(true, 8, true))
                .build();
        assertThat(MODEL.estimatePacked(LLAMA_8B, TRAINING, h100(1), zeroPlusPlusOnStage1)
                        .violations())
                .extracting(Violation::code)
                .contains(ViolationCode.ZERO_PLUS_PLUS_NEEDS_STAGE_3);

        Layout codedWithZero = layout(1, 1, 8).toBuilder()
                .gradientCoding(GradientCoding.cyclicRepetition(1))
                .build();
        assertThat(MODEL.estimatePacked(LLAMA_8B, TRAINING, h100(1), codedWithZero)
                        .violations())
                .anySatisfy(v ->
                        assertThat(v.code()).isEqualTo(ViolationCode.GRADIENT_CODING_NEEDS_STRAGGLER_AWARE_COLLECTIVE));

        Estimate fp8OnA100 = MODEL.estimatePacked(
                LLAMA_8B,
                new TrainingSpec(256, 1, Precision.FP8),
                Cluster.uniform(GpuCatalog.byName("A100-80GB"), 1, 8),
                layout(1, 1, 8));
        assertThat(fp8OnA100.violations()).extracting(Violation::code).contains(ViolationCode.PRECISION_UNSUPPORTED);
    }

    @Test
    void tensorParallelismOverADegradedLinkIsAViolation() {
        Cluster degraded = h100(1).toBuilder().intraLink(0, 0, 1, 20e9, 5e-6).build();
        Estimate e = MODEL.estimatePacked(LLAMA_8B, TRAINING, degraded, layout(8, 1, 1));
        assertThat(e.violations()).anySatisfy(v -> {
            assertThat(v.code()).isEqualTo(ViolationCode.TENSOR_PARALLEL_ACROSS_SLOW_LINK);
            assertThat(v.reason()).contains("20.0 GB/s");
        });
    }

    @Test
    void badInputsGiveSpecificErrors() {
        assertThatThrownBy(() -> GpuCatalog.byName("H900"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("unknown GPU type 'H900'");
        assertThatThrownBy(() -> h100(2).toBuilder().interLink(0, 1, Double.NaN, 1e-5))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("bandwidth of node link 0->1")
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> Layout.builder().tp(0).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("tp must be at least 1");
        assertThatThrownBy(() -> new TrainingSpec(-1, 1, Precision.BF16))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("globalBatchSequences");
        assertThatThrownBy(() ->
                        MODEL.estimate(LLAMA_8B, TRAINING, h100(1), layout(1, 1, 8), Placement.packed(h100(1), 1, 4)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("placement has 4 ranks but the layout needs");
        assertThatThrownBy(() -> Placement.of(new int[] {0, 0}, new int[][] {{0}, {1}}))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("node 0 is used twice");
    }

    @Test
    void placementSessionMatchesFullEvaluationAfterRandomSwaps() {
        Cluster cluster = randomLinks(h100(8), new Random(7));
        ModelSpec model = LLAMA_70B;
        Layout layout = layout(4, 4, 4).toBuilder().virtualStages(2).build();
        PreparedLayout prepared = MODEL.prepare(model, TRAINING, cluster, layout);
        PlacementSession session = prepared.start(Placement.packed(cluster, 8, 8));
        Random random = new Random(11);
        for (int i = 0; i < 200; i++) {
            if (random.nextBoolean()) {
                session.swapNodes(random.nextInt(8), random.nextInt(8));
            } else {
                session.swapGpus(random.nextInt(8), random.nextInt(8), random.nextInt(8));
            }
            double full = prepared.evaluate(session.placement()).iterationTimeSeconds();
            assertThat(session.iterationTimeSeconds())
                    .isCloseTo(full, org.assertj.core.data.Percentage.withPercentage(1e-9));
        }
        assertThat(session.estimate().iterationTimeSeconds())
                .isCloseTo(session.iterationTimeSeconds(), org.assertj.core.data.Percentage.withPercentage(1e-9));
    }

    @Test
    void placementSessionMatchesFullEvaluationOnALargeClusterWhereDataParallelRingsShareNodePairs() {
        // One TP group per node (its rings are priced once per stage) on more nodes than the dense link tables hold.
        Cluster cluster = randomLinks(h100(600), new Random(5));
        Layout layout = layout(8, 2, 300);
        PreparedLayout prepared = MODEL.prepare(LLAMA_70B, new TrainingSpec(2400, 1, Precision.BF16), cluster, layout);
        PlacementSession session = prepared.start(Placement.packed(cluster, 600, 8));
        Random random = new Random(13);
        for (int i = 0; i < 60; i++) {
            if (random.nextBoolean()) {
                session.swapNodes(random.nextInt(600), random.nextInt(600));
            } else {
                session.swapGpus(random.nextInt(600), random.nextInt(8), random.nextInt(8));
            }
            Estimate full = prepared.evaluate(session.placement());
            assertThat(session.iterationTimeSeconds())
                    .isCloseTo(full.iterationTimeSeconds(), org.assertj.core.data.Percentage.withPercentage(1e-9));
            assertThat(session.estimate().breakdown()).isEqualTo(full.breakdown());
        }
    }

    @Test
    void stragglersCostTimeAndGradientCodingTradesComputeForTolerance() {
        Cluster slow = h100(4).toBuilder()
                .straggler(0, StragglerModel.bernoulli(0.3, 3))
                .straggler(1, StragglerModel.bernoulli(0.3, 3))
                .build();
        Layout plain = Layout.builder().tp(8).dp(4).sequenceParallel(true).build();
        Estimate base = MODEL.estimatePacked(LLAMA_8B, TRAINING, h100(4), plain);
        Estimate straggling = MODEL.estimatePacked(LLAMA_8B, TRAINING, slow, plain);
        assertThat(base.breakdown().stragglerSeconds()).isZero();
        assertThat(straggling.breakdown().stragglerSeconds()).isPositive();
        Estimate coded = MODEL.estimatePacked(
                LLAMA_8B,
                TRAINING,
                slow,
                plain.toBuilder()
                        .gradientCoding(GradientCoding.fractionalRepetition(1))
                        .build());
        assertThat(coded.iterationTimeSeconds()).isNotEqualTo(straggling.iterationTimeSeconds());
        assertThat(coded.violations()).isEmpty();
    }

    @Test
    void replicasSharingASlowNodeAreSlowWithThatNodesProbability() {
        // Two nodes, each slow with p = 0.15 at slowdown 3; dp = 8 puts four replicas on each node. Uncoded, the
        // iteration is slow when either node is: 1 + 2·(1 − 0.85²). With fractional repetition s = 1 over the 8
        // replicas, each replica is slow with its node's p (cost-models.md §8.3 (a)).
        Cluster slow = h100(2).toBuilder()
                .straggler(0, StragglerModel.bernoulli(0.15, 3))
                .straggler(1, StragglerModel.bernoulli(0.15, 3))
                .build();
        Layout plain = Layout.builder().tp(2).dp(8).sequenceParallel(true).build();
        Layout coded = plain.toBuilder()
                .gradientCoding(GradientCoding.fractionalRepetition(1))
                .build();

        double uncodedSlowdown = MODEL.estimatePacked(LLAMA_8B, TRAINING, slow, plain)
                .breakdown()
                .stragglerSeconds();
        double codedSlowdown = MODEL.estimatePacked(LLAMA_8B, TRAINING, slow, coded)
                .breakdown()
                .stragglerSeconds();

        double uncodedFactor = 1 + 2 * (1 - 0.85 * 0.85);
        double codedFactor = 2 * (1 + 2 * (1 - Math.pow(1 - 0.15 * 0.15, 4)));
        assertThat(codedSlowdown / uncodedSlowdown)
                .isCloseTo(
                        (codedFactor - 1) / (uncodedFactor - 1), org.assertj.core.data.Percentage.withPercentage(1e-6));
    }

    @Test
    void aPlacementUsingHalfOfEachNodeIsPricedLikeNodesOfThatSize() {
        // 4 of 8 GPUs on each of 4 nodes: the DP ring has 2 members per node on 4 nodes, as on 4-GPU nodes, and the
        // node's network is shared by the 4 GPUs that use it (on the cluster's 8 GPUs per node the ring would look
        // like 4 members on each of 2 nodes).
        // A slow network (25 Gbit/s per node) so that the gradient all-reduce is not hidden by the backward pass.
        Cluster eightGpuNodes = Cluster.builder(GpuCatalog.byName("H100-80GB"), 4, 8)
                .nodeNetworkBandwidth(25e9 / 8)
                .build();
        Cluster fourGpuNodes = Cluster.builder(GpuCatalog.byName("H100-80GB"), 4, 4)
                .nodeNetworkBandwidth(25e9 / 8)
                .build();
        Layout layout = layout(2, 1, 8);

        Estimate halfNodes =
                MODEL.estimate(LLAMA_8B, TRAINING, eightGpuNodes, layout, Placement.packed(eightGpuNodes, 4, 4));
        Estimate smallNodes = MODEL.estimatePacked(LLAMA_8B, TRAINING, fourGpuNodes, layout);

        assertThat(halfNodes.breakdown().exposedDataParallelSeconds())
                .isPositive()
                .isEqualTo(smallNodes.breakdown().exposedDataParallelSeconds());
        assertThat(halfNodes.iterationTimeSeconds()).isEqualTo(smallNodes.iterationTimeSeconds());
    }

    static Cluster randomLinks(Cluster cluster, Random random) {
        Cluster.Builder b = cluster.toBuilder();
        for (int n = 0; n < cluster.nodeCount(); n++) {
            for (int k = 0; k < 6; k++) {
                int a = random.nextInt(8);
                int c = random.nextInt(8);
                if (a != c) {
                    b.intraLink(n, a, c, 50e9 + random.nextDouble() * 400e9, 5e-6);
                }
            }
            int other = random.nextInt(cluster.nodeCount());
            if (other != n) {
                b.interLink(n, other, 10e9 + random.nextDouble() * 390e9, 1e-5);
            }
        }
        return b.build();
    }
}
