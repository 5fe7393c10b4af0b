package dev.trainingplanner.costmodel.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.trainingplanner.costmodel.calibration.EfficiencyTable;
import dev.trainingplanner.costmodel.calibration.GpuEfficiency;
import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import dev.trainingplanner.costmodel.cluster.GpuType;
import dev.trainingplanner.costmodel.cluster.StragglerModel;
import dev.trainingplanner.costmodel.layout.GradientCoding;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.PartitionGroups;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.layout.ZeroPlusPlus;
import dev.trainingplanner.costmodel.memory.RuntimeMemory;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.training.CollectiveBuckets;
import dev.trainingplanner.costmodel.training.Framework;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-derived numbers for the time terms of docs/formulas.md, one class each. */
class FormulaTermsTest {

    private static final GpuType H100 = GpuCatalog.byName("H100-80GB");
    private static final GpuEfficiency EFFICIENCY = EfficiencyTable.forGpu(H100);

    @Test
    void equalStagesGiveMegatronsInterleavedPipelineTime() {
        // (m + (p − 1)/v)·τ with m = 8, p = 4, v = 2, τ = 1.
        assertThat(PipelineSchedule.replicaSeconds(8, 1, 4, 2)).isEqualTo(9.5);
        // Megatron: 2·v transfers per micro-batch at the exposed fraction; DeepSpeed: 4·v blocking transfers.
        assertThat(FrameworkOverhead.p2pExposedPerHopSecond(EfficiencyTable.forFramework(Framework.MEGATRON), 2, 0.5))
                .isEqualTo(2.0);
        assertThat(FrameworkOverhead.p2pExposedPerHopSecond(EfficiencyTable.forFramework(Framework.DEEPSPEED), 2, 0.5))
                .isEqualTo(8.0);
    }

    @Test
    void ladderLayersHideTheirCollectivesBehindTheNextModuleLessContention() {
        // 2 ladder layers, A = 1, C_f = 2, C_b = 4: saving 2·2·((1 − 0.2) + (1 − 0.4)) = 5.6.
        assertThat(LadderResidual.exposedSeconds(10, 1, 2, 2, 4)).isCloseTo(4.4, within(1e-12));
        assertThat(LadderResidual.exposedSeconds(1, 1, 2, 2, 4)).isZero();
        assertThat(LadderResidual.layersOnStage(List.of(3, 4, 9), 4, 5)).isEqualTo(1);
    }

    @Test
    void tensorParallelCollectivesPerStageFollowRecompute() {
        assertThat(TensorParallelTime.collectivesPerStage(2, 10, Recompute.NONE))
                .isEqualTo(40);
        assertThat(TensorParallelTime.collectivesPerStage(2, 10, Recompute.FULL))
                .isEqualTo(60);
        assertThat(TensorParallelTime.collectivesPerStage(1, 10, Recompute.FULL))
                .isZero();
    }

    @Test
    void ringAttentionExposesOnlyTheExchangesBeyondTheAttention() {
        // Per layer: attention 1 s, forward exchanges 1.5 s: 0.5 forward + (3 − 2.5) backward.
        assertThat(ContextParallelTime.exposedStageSeconds(2, 2.0, 1.5)).isCloseTo(2.0, within(1e-12));
        assertThat(ContextParallelTime.forwardSecondsPerLayer(4, 1e6, 1e9, 1e-5))
                .isCloseTo(3 * 0.00101, within(1e-12));
    }

    @Test
    void megatronHidesGradientBucketsBehindBackwardAndParameterGathersBehindTheNextForward() {
        // Megatron ZeRO-1 on 4 ranks of one node at 100 GB/s, no latency: reduce-scatter and all-gather of M = 1 GB
        // each take 0.75·1e9/100e9 = 7.5 ms; half a 10 ms backward and half a 4 ms forward hide them.
        DataParallelTime megatron = new DataParallelTime(
                Framework.MEGATRON,
                1,
                CollectiveBuckets.defaults(Framework.MEGATRON, 4),
                0.5,
                new int[] {4},
                new double[] {5e8});
        double[] share = new double[1];
        assertThat(megatron.exposedSeconds(0, 4, 1, 1e9, 100e9, 0, Double.POSITIVE_INFINITY, 0, 0.010, 0.004, share))
                .isCloseTo((0.0075 - 0.005) + (0.0075 - 0.002), within(1e-12));
        assertThat(share[0]).isCloseTo(0.0055, within(1e-12));
        // 5e8 parameters in buckets of max(4e7, 4·1e6) = 13 calls; DeepSpeed's 5e8 reduce bucket is one call, and it
        // hides nothing (the launch leaves overlap_comm off below stage 3).
        assertThat(megatron.reduceCalls(0)).isEqualTo(13);
        DataParallelTime deepSpeed = new DataParallelTime(
                Framework.DEEPSPEED,
                1,
                CollectiveBuckets.defaults(Framework.DEEPSPEED, 4),
                0.5,
                new int[] {4},
                new double[] {5e8});
        assertThat(deepSpeed.exposedSeconds(0, 4, 1, 1e9, 100e9, 0, Double.POSITIVE_INFINITY, 0, 0.010, 0.004, share))
                .isCloseTo(0.015, within(1e-12));
        assertThat(deepSpeed.reduceCalls(0)).isEqualTo(1);
    }

    @Test
    void ncclStepsFollowTheAlgorithmNcclSelects() {
        // 2 nodes of 8, 1 µs inside a node, 10 µs between, infinite bandwidth: ring all-gather 15 steps, 1 across.
        assertThat(CollectiveTime.hierarchical(
                        CollectiveTime.Ring.ALL_GATHER,
                        8,
                        2,
                        1,
                        Double.POSITIVE_INFINITY,
                        1e-6,
                        Double.POSITIVE_INFINITY,
                        10e-6))
                .isCloseTo(14e-6 + 10e-6, within(1e-15));
        // All-reduce over 64 nodes of 8: ring 2·(511 − 63) intra + 2·63 inter steps; tree 2·(7 + 6) steps wins.
        assertThat(CollectiveTime.hierarchical(
                        CollectiveTime.Ring.ALL_REDUCE,
                        8,
                        64,
                        1,
                        Double.POSITIVE_INFINITY,
                        1e-6,
                        Double.POSITIVE_INFINITY,
                        10e-6))
                .isCloseTo(2 * (7e-6 + 6 * 10e-6), within(1e-15));
        // One GPU per node: PAT's ⌈log₂ 64⌉ = 6 steps instead of the ring's 63.
        assertThat(CollectiveTime.hierarchical(
                        CollectiveTime.Ring.ALL_GATHER, 1, 64, 1, Double.POSITIVE_INFINITY, 0, 1e9, 10e-6))
                .isCloseTo(63.0 / 64 / 1e9 + 6 * 10e-6, within(1e-15));
        // Large messages: the ring's bandwidth beats the tree's 0.9.
        assertThat(CollectiveTime.hierarchical(CollectiveTime.Ring.ALL_REDUCE, 1, 4, 1e9, 1, 0, 10e9, 1e-6))
                .isCloseTo(1.5 * 1e9 / 10e9 + 6e-6, within(1e-12));
    }

    @Test
    void qwzHalvesBothGathersAndPaysForQuantisation() {
        ZeroTime qwz = zero(new ZeroPlusPlus(true, 1, false), PartitionGroups.DEFAULT);
        double hbm = H100.hbmBandwidthBytesPerSecond() * 0.5;
        // One node of 4, M = 1 GB at 100 GB/s: each gather is an AG of 0.5·1.001 GB plus 1.5 GB through HBM at half
        // its bandwidth (no hpZ group: the backward gather runs like the forward one); the reduce-scatter is plain.
        double gather = 0.75 * 0.5005e9 / 100e9 + 1.5e9 / hbm;
        assertThat(qwz.exposedPerMicroBatch(0, 4, 1, 1e9, 100e9, 0, Double.POSITIVE_INFINITY, 0, 99, SHARE))
                .isCloseTo(2 * gather + 0.75 * 1e9 / 100e9, within(1e-15));
        assertThat(SHARE[0]).isCloseTo(2 * gather, within(1e-15));
        assertThat(qwz.secondaryGroupSize()).isZero();
    }

    @Test
    void hpzAndQgzReplaceTheBackwardGatherAndTheReduceScatter() {
        ZeroTime hpzQgz = zero(new ZeroPlusPlus(false, 4, true), PartitionGroups.DEFAULT);
        double hbm = H100.hbmBandwidthBytesPerSecond() * 0.5;
        // 2 nodes of 8, M = 8 GB: plain forward AG; backward AG in the hpZ group (given: 0.125 s); qgZ: intra A2A of
        // M/4 = 2 GB, inter A2A of M/(4·8) = 0.25 GB, 3 passes over M through HBM.
        double forward = CollectiveTime.hierarchical(CollectiveTime.Ring.ALL_GATHER, 8, 2, 8e9, 100e9, 0, 10e9, 0);
        double reduce = 7.0 / 8 * 2e9 / 100e9 + 0.5 * 0.25e9 / 10e9 + 3 * 8e9 / hbm;
        assertThat(hpzQgz.exposedPerMicroBatch(0, 8, 2, 8e9, 100e9, 0, 10e9, 0, 0.125, SHARE))
                .isCloseTo(forward + 0.125 + reduce, within(1e-15));
        assertThat(hpzQgz.secondaryGroupSize()).isEqualTo(4);
    }

    @Test
    void narrowOptimizerGroupsAddAnAllReduceOfTheirShardPerStep() {
        // k_OS = 4 of P = 16: 4 replicas all-reduce M/4 on the slowest link once per step of m = 2 micro-batches.
        ZeroTime tiered = zero(ZeroPlusPlus.NONE, new PartitionGroups(0, 0, 4));
        double gather = CollectiveTime.hierarchical(CollectiveTime.Ring.ALL_GATHER, 8, 2, 8e9, 100e9, 0, 10e9, 0);
        double total = 3 * gather + CollectiveTime.allReduce(4, 2e9, 10e9, 0) / 2;
        assertThat(tiered.exposedPerMicroBatch(0, 8, 2, 8e9, 100e9, 0, 10e9, 0, 99, SHARE))
                .isCloseTo(total, within(1e-15));
    }

    @Test
    void aLayersPrefetchHidesBehindOneLayerOnlyAndFullRecomputeGathersAgain() {
        // 4 layers of 1e9 parameters, M = 8 GB on one node of 4 at 100 GB/s, no latency: per layer AG = RS =
        // 0.75·2e9/100e9 = 15 ms; forward 10 ms, backward 20 ms, recompute 10 ms per layer; η = 0.8.
        double eta = EFFICIENCY.zero3OverlapFraction();
        ZeroTime full = zeroOnLayers(Recompute.FULL);
        double ag = 0.015;
        double forward = ag + 3 * Math.max(0, ag - eta * 0.010);
        double backward = 3 * ag + 3 * Math.max(0, 3 * ag - eta * (0.020 + 0.010));
        assertThat(full.exposedPerMicroBatch(0, 4, 1, 8e9, 100e9, 0, Double.POSITIVE_INFINITY, 0, 0, SHARE))
                .isCloseTo(forward + backward, within(1e-12));
        assertThat(SHARE[0]).isCloseTo(forward + 2 * ag + 3 * Math.max(0, 3 * ag - eta * 0.030) * 2 / 3, within(1e-12));
        assertThat(full.gatherCallsPerLayer(0)).isEqualTo(20);
        // DeepSpeed's 5e7-parameter prefetch buckets: 20 gather calls per layer and pass, one reduce-scatter per layer,
        // each paying the ring's 3 steps of 10 µs; every layer's calls stay exposed (4 forward, 4 backward).
        double step = 3 * 1e-5;
        assertThat(full.exposedPerMicroBatch(0, 4, 1, 8e9, 100e9, 1e-5, Double.POSITIVE_INFINITY, 0, 0, SHARE))
                .isCloseTo(forward + backward + 4 * 20 * step + 4 * (20 + 20 + 1) * step, within(1e-12));
    }

    @Test
    void uncodedBernoulliStragglersSlowTheIterationWhenAnyNodeIsSlow() {
        Cluster cluster = Cluster.builder(H100, 2, 8)
                .straggler(0, StragglerModel.bernoulli(0.1, 3))
                .straggler(1, StragglerModel.bernoulli(0.1, 3))
                .build();
        Placement both = Placement.packed(cluster, 16);
        // 1 + (k − 1)(1 − 0.9²)
        assertThat(StragglerFactor.expected(GradientCoding.NONE, 2, cluster, both))
                .isCloseTo(1.38, within(1e-12));
        // CR s = 1 over 2 replicas, one node each (q = 0.1): 2·(1 + 2·P(X > 1)), P(X > 1) = 0.01.
        assertThat(StragglerFactor.expected(GradientCoding.cyclicRepetition(1), 2, cluster, both))
                .isCloseTo(2.04, within(1e-12));
        // Without stragglers a code still costs its load.
        Cluster calm = Cluster.uniform(H100, 2, 8);
        assertThat(StragglerFactor.expected(GradientCoding.fractionalRepetition(1), 4, calm, both))
                .isCloseTo(2, within(1e-12));
    }

    @Test
    void everyParallelismAddsItsCommunicators() {
        assertThat(RuntimeMemory.communicators(2, 2, 2, 4)).isEqualTo(6);
        assertThat(RuntimeMemory.communicators(1, 1, 1, 1)).isZero();
    }

    private static final double[] SHARE = new double[1];

    /** One layer per stage without compute, one call per layer (FSDP): the whole-stage terms of §7.3. */
    private static ZeroTime zero(ZeroPlusPlus zpp, PartitionGroups groups) {
        Layout layout = Layout.builder()
                .dp(16)
                .zeroStage(3)
                .zeroPlusPlus(zpp)
                .partitionGroups(groups)
                .build();
        return new ZeroTime(
                layout,
                H100,
                EFFICIENCY,
                2,
                CollectiveBuckets.defaults(Framework.FSDP, 16),
                new int[] {1},
                new double[] {4e9},
                new double[] {0},
                new double[] {0},
                new double[] {0});
    }

    /** DeepSpeed ZeRO-3 on 4 ranks, one stage of 4 layers of 1e9 parameters. */
    private static ZeroTime zeroOnLayers(Recompute recompute) {
        Layout layout = Layout.builder().dp(4).zeroStage(3).recompute(recompute).build();
        return new ZeroTime(
                layout,
                H100,
                EFFICIENCY,
                1,
                new CollectiveBuckets(5e7, 1e9, 5e8, false),
                new int[] {4},
                new double[] {4e9},
                new double[] {0.040},
                new double[] {0.080},
                new double[] {0.040});
    }
}
