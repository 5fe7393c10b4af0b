package dev.trainingplanner.costmodel.correction;

import dev.trainingplanner.costmodel.batch.CaseInputs;
import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/** Runs of Llama 3 8B on 4 nodes of 8 H100 whose "measurements" come from the model under known corrections. */
final class Runs {

    static final Cluster H100_4X8 = Cluster.uniform(GpuCatalog.byName("H100-80GB"), 4, 8);

    private Runs() {}

    /** Layouts over 32 GPUs (tp, pp, dp) with sizeable compute, NVLink and network shares. */
    static List<CaseInputs> layouts(Cluster cluster) {
        return layouts(
                cluster,
                new int[][] {{8, 1, 4}, {4, 1, 8}, {2, 1, 16}, {1, 1, 32}, {8, 2, 2}, {4, 2, 4}, {2, 4, 4}, {8, 4, 1}});
    }

    /** The layouts (tp, pp, dp) on {@code cluster}, packed. */
    static List<CaseInputs> layouts(Cluster cluster, int[][] shapes) {
        List<CaseInputs> inputs = new ArrayList<>();
        for (int[] s : shapes) {
            Layout layout = Layout.builder()
                    .tp(s[0])
                    .pp(s[1])
                    .dp(s[2])
                    .sequenceParallel(s[0] > 1)
                    .recompute(Recompute.SELECTIVE)
                    .zeroStage(1)
                    .build();
            inputs.add(new CaseInputs(
                    "tp" + s[0] + "-pp" + s[1] + "-dp" + s[2],
                    ModelPresets.byName("llama3-8b"),
                    new TrainingSpec(64, 1, Precision.BF16),
                    cluster,
                    layout,
                    Placement.packed(cluster, layout.worldSize())));
        }
        return inputs;
    }

    /** What the model predicts for {@code inputs} under {@code truth}, as a run measured over {@code samples} steps. */
    static Measurement measuredUnder(CorrectionSet truth, CaseInputs inputs, long samples) {
        CorrectedEstimate e = new CorrectedCostModel(truth, inputs.cluster())
                .estimate(inputs.model(), inputs.training(), inputs.layout(), inputs.placement());
        return new Measurement(
                inputs.caseId(),
                inputs,
                e.estimate().iterationTimeSeconds(),
                OptionalDouble.of(e.estimate().peakMemoryBytes()),
                Map.of(),
                samples);
    }

    /** A set of the given values with a placeholder evidence, as a cluster's "true" behaviour. */
    static CorrectionSet truth(double compute, double nvlink, double network, double memory) {
        Evidence made = new Evidence(List.of(), 0, "the cluster's behaviour in this test");
        return CorrectionSet.of(List.of(
                new CorrectionFactor(CorrectionKind.COMPUTE_EFFICIENCY, "H100-80GB", compute, made),
                new CorrectionFactor(CorrectionKind.NVLINK_EFFICIENCY, "", nvlink, made),
                new CorrectionFactor(CorrectionKind.NETWORK_EFFICIENCY, "", network, made),
                new CorrectionFactor(CorrectionKind.MEMORY_OVERHEAD, "", memory, made)));
    }
}
