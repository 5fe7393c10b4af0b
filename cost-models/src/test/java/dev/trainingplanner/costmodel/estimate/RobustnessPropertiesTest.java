package dev.trainingplanner.costmodel.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import dev.trainingplanner.costmodel.cluster.StragglerModel;
import dev.trainingplanner.costmodel.layout.GradientCoding;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.PartitionGroups;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.layout.ZeroPlusPlus;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Whatever knobs are combined, an estimate is finite or the input is rejected with a specific message. */
class RobustnessPropertiesTest {

    @Property(tries = 300)
    void everyCombinationGivesAFiniteEstimateOrASpecificError(
            @ForAll @IntRange(min = 0, max = 4) int modelIndex,
            @ForAll @IntRange(min = 0, max = 4) int tpLog,
            @ForAll @IntRange(min = 0, max = 3) int ppLog,
            @ForAll @IntRange(min = 0, max = 3) int dpLog,
            @ForAll @IntRange(min = 0, max = 2) int cpLog,
            @ForAll @IntRange(min = 1, max = 3) int vpp,
            @ForAll @IntRange(min = 0, max = 3) int zero,
            @ForAll @IntRange(min = 0, max = 7) int zeroPlusPlus,
            @ForAll @IntRange(min = 0, max = 2) int recompute,
            @ForAll @IntRange(min = 0, max = 4) int coding,
            @ForAll @IntRange(min = 0, max = 3) int ladder,
            @ForAll @IntRange(min = 1, max = 8) int micro,
            @ForAll @IntRange(min = 0, max = 2) int precision,
            @ForAll @IntRange(min = 0, max = 3) int gpu,
            @ForAll boolean stragglers,
            @ForAll boolean partitionGroups) {
        ModelSpec model =
                ModelPresets.byName(List.of("llama2-7b", "llama3-70b", "gpt3-175b", "bloom-176b", "mistral-7b")
                        .get(modelIndex));
        int tp = 1 << tpLog;
        int pp = 1 << ppLog;
        int dp = 1 << dpLog;
        int cp = 1 << cpLog;
        int world = tp * pp * dp * cp;
        int nodes = Math.max(1, world / 8);
        Cluster.Builder builder = Cluster.builder(
                GpuCatalog.byName(List.of("H100-80GB", "A100-40GB", "V100-32GB", "MI250X-GCD")
                        .get(gpu)),
                nodes + 1,
                8);
        if (stragglers) {
            builder.straggler(0, StragglerModel.bernoulli(0.2, 2.5))
                    .straggler(nodes, StragglerModel.shiftedExponential(1, 4));
        }
        Cluster cluster = builder.build();
        Layout layout;
        try {
            layout = Layout.builder()
                    .tp(tp)
                    .pp(pp)
                    .dp(dp)
                    .cp(cp)
                    .virtualStages(vpp)
                    .sequenceParallel(tp > 1)
                    .recompute(Recompute.values()[recompute])
                    .zeroStage(zero)
                    .zeroPlusPlus(new ZeroPlusPlus(
                            (zeroPlusPlus & 1) != 0, (zeroPlusPlus & 2) != 0 ? 8 : 1, (zeroPlusPlus & 4) != 0))
                    .partitionGroups(partitionGroups ? new PartitionGroups(2, 8, dp * cp) : PartitionGroups.DEFAULT)
                    .gradientCoding(
                            switch (coding) {
                                case 1 -> GradientCoding.fractionalRepetition(1);
                                case 2 -> GradientCoding.cyclicRepetition(2);
                                case 3 -> GradientCoding.selectiveRepeat(1, 3, 1);
                                case 4 -> GradientCoding.multiplexed(1, 2, 1);
                                default -> GradientCoding.NONE;
                            })
                    .ladderLayers(ladder == 0 ? List.of() : List.of(0, ladder * 3, model.layers() - 1))
                    .build();
        } catch (InvalidInputException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        TrainingSpec training = new TrainingSpec(
                micro * dp * 8,
                micro,
                List.of(Precision.BF16, Precision.FP16, Precision.FP8).get(precision));
        Placement placement = world < 8 ? Placement.packed(cluster, 1, world) : Placement.packed(cluster, world / 8, 8);
        Estimate e = new CostModel().estimate(model, training, cluster, layout, placement);
        assertThat(e.iterationTimeSeconds()).isFinite().isPositive();
        assertThat(e.peakMemoryBytes()).isFinite().isPositive();
        assertThat(e.mfu()).isFinite().isPositive();
        assertThat(e.tokensPerSecondPerGpu()).isFinite().isPositive();
        TimeBreakdown b = e.breakdown();
        for (double part : new double[] {
            b.computeSeconds(),
            b.recomputeSeconds(),
            b.pipelineBubbleSeconds(),
            b.exposedTensorParallelSeconds(),
            b.exposedPipelineP2pSeconds(),
            b.exposedDataParallelSeconds(),
            b.optimizerStepSeconds(),
            b.stragglerSeconds(),
            b.exposedExpertAllToAllSeconds()
        }) {
            assertThat(part).isFinite().isGreaterThanOrEqualTo(0);
        }
        assertThat(e.violations()).allSatisfy(v -> assertThat(v.reason()).isNotBlank());
    }
}
