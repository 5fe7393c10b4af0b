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
    void dataParallelAllReduceIsExposedBeyondTheOverlapWindow() {
        assertThat(DataParallelTime.exposedSeconds(1.0, 0.5, 1.2)).isCloseTo(0.4, within(1e-12));
        assertThat(DataParallelTime.exposedSeconds(0.5, 0.5, 1.2)).isZero();
    }

    @Test
    void qwzHalvesBothGathersAndPaysForQuantisation() {
        ZeroTime qwz = zero(new ZeroPlusPlus(true, 1, false), PartitionGroups.DEFAULT);
        double hbm = H100.hbmBandwidthBytesPerSecond() * 0.5;
        // One node of 4, M = 1 GB at 100 GB/s: each gather is an AG of 0.5·1.001 GB plus 1.5 GB through HBM at half
        // its bandwidth (no hpZ group: the backward gather runs like the forward one); the reduce-scatter is plain.
        double gather = 0.75 * 0.5005e9 / 100e9 + 1.5e9 / hbm;
        assertThat(qwz.exposedPerMicroBatch(4, 1, 1e9, 100e9, 0, Double.POSITIVE_INFINITY, 0, 99, 0))
                .isCloseTo(2 * gather + 0.75 * 1e9 / 100e9, within(1e-15));
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
        assertThat(hpzQgz.exposedPerMicroBatch(8, 2, 8e9, 100e9, 0, 10e9, 0, 0.125, 0))
                .isCloseTo(forward + 0.125 + reduce, within(1e-15));
        assertThat(hpzQgz.secondaryGroupSize()).isEqualTo(4);
    }

    @Test
    void narrowOptimizerGroupsAddAnAllReduceOfTheirShardPerStepAndComputeHidesPart() {
        // k_OS = 4 of P = 16: 4 replicas all-reduce M/4 on the slowest link once per step of m = 2 micro-batches.
        ZeroTime tiered = zero(ZeroPlusPlus.NONE, new PartitionGroups(0, 0, 4));
        double gather = CollectiveTime.hierarchical(CollectiveTime.Ring.ALL_GATHER, 8, 2, 8e9, 100e9, 0, 10e9, 0);
        double total = 3 * gather + CollectiveTime.allReduce(4, 2e9, 10e9, 0) / 2;
        assertThat(tiered.exposedPerMicroBatch(8, 2, 8e9, 100e9, 0, 10e9, 0, 99, 0))
                .isCloseTo(total, within(1e-15));
        assertThat(tiered.exposedPerMicroBatch(8, 2, 8e9, 100e9, 0, 10e9, 0, 99, total))
                .isCloseTo(total * (1 - EFFICIENCY.zero3OverlapFraction()), within(1e-15));
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

    private static ZeroTime zero(ZeroPlusPlus zpp, PartitionGroups groups) {
        Layout layout = Layout.builder()
                .dp(16)
                .zeroStage(3)
                .zeroPlusPlus(zpp)
                .partitionGroups(groups)
                .build();
        return new ZeroTime(layout, H100, EFFICIENCY, 2);
    }
}
