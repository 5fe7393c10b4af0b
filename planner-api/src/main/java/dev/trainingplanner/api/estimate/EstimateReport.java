package dev.trainingplanner.api.estimate;

import dev.trainingplanner.costmodel.batch.CaseInputs;
import dev.trainingplanner.costmodel.calibration.EfficiencyTable;
import dev.trainingplanner.costmodel.estimate.Estimate;
import dev.trainingplanner.costmodel.estimate.StageMemory;
import dev.trainingplanner.costmodel.estimate.TimeBreakdown;
import dev.trainingplanner.costmodel.estimate.Violation;
import dev.trainingplanner.costmodel.layout.Layout;
import java.util.Locale;

/** The readable breakdown printed by the single-case form of {@code planner estimate}. */
final class EstimateReport {

    /** Human-facing memory is in GiB, as the service and the dashboard show it (the CSV keeps decimal GB). */
    private static final double GIB = 1024.0 * 1024.0 * 1024.0;

    private EstimateReport() {}

    static String render(CaseInputs inputs, Estimate estimate, double headroom) {
        StringBuilder out = new StringBuilder();
        Layout l = inputs.layout();
        line(
                out,
                "Case %s: %s on %d x %s (%d nodes x %d GPUs)",
                inputs.caseId(),
                inputs.model().name(),
                l.worldSize(),
                inputs.cluster().gpuType().name(),
                inputs.placement().nodesUsed(),
                inputs.placement().gpusPerNodeUsed());
        line(
                out,
                "Layout: tp %d, pp %d (vpp %d), dp %d, cp %d, sp %s, recompute %s, ZeRO %d; global batch %d,"
                        + " micro-batch %d, %s",
                l.tp(),
                l.pp(),
                l.virtualStages(),
                l.dp(),
                l.cp(),
                l.sequenceParallel() ? "on" : "off",
                l.recompute().name().toLowerCase(Locale.ROOT),
                l.zeroStage(),
                inputs.training().globalBatchSequences(),
                inputs.training().microBatchSequences(),
                inputs.training().precision().name().toLowerCase(Locale.ROOT));
        line(
                out,
                "Calibration: %s",
                EfficiencyTable.forGpu(inputs.cluster().gpuType()).provenance());
        out.append(System.lineSeparator());
        line(out, "Iteration time          %10.4f s", estimate.iterationTimeSeconds());
        TimeBreakdown b = estimate.breakdown();
        part(out, "compute (fwd+bwd)", b.computeSeconds(), estimate);
        part(out, "recompute", b.recomputeSeconds(), estimate);
        part(out, "pipeline bubble", b.pipelineBubbleSeconds(), estimate);
        part(out, "exposed TP/CP comm", b.exposedTensorParallelSeconds(), estimate);
        part(out, "exposed PP p2p", b.exposedPipelineP2pSeconds(), estimate);
        part(out, "exposed DP/ZeRO comm", b.exposedDataParallelSeconds(), estimate);
        part(out, "  of which param gathers", b.exposedParameterGatherSeconds(), estimate);
        part(out, "MoE all-to-all", b.exposedExpertAllToAllSeconds(), estimate);
        part(out, "optimizer step", b.optimizerStepSeconds(), estimate);
        part(out, "stragglers (expected)", b.stragglerSeconds(), estimate);
        line(out, "Tokens/s per GPU        %10.1f", estimate.tokensPerSecondPerGpu());
        line(out, "Model TFLOP/s per GPU   %10.1f", estimate.modelTflopsPerGpu());
        line(out, "MFU                     %10.3f", estimate.mfu());
        out.append(System.lineSeparator());
        line(
                out,
                "Memory per rank (GiB)           peak %.2f GiB, fits with %.0f%% headroom: %s",
                estimate.peakMemoryBytes() / GIB,
                headroom * 100,
                estimate.fits(headroom) ? "yes" : "NO");
        line(
                out,
                "%5s %6s %8s %8s %8s %9s %6s %8s %8s %8s",
                "stage",
                "layers",
                "weights",
                "grads",
                "optim",
                "activ.",
                "in-fl.",
                "buffers",
                "runtime",
                "total");
        for (StageMemory s : estimate.stages()) {
            line(
                    out,
                    "%5d %6d %8.2f %8.2f %8.2f %9.2f %6d %8.2f %8.2f %8.2f",
                    s.stage(),
                    s.layers(),
                    s.weightsBytes() / GIB,
                    s.gradientsBytes() / GIB,
                    s.optimizerStatesBytes() / GIB,
                    s.activationsBytes() / GIB,
                    s.microBatchesInFlight(),
                    s.communicationBuffersBytes() / GIB,
                    s.runtimeOverheadBytes() / GIB,
                    s.totalBytes() / GIB);
        }
        out.append(System.lineSeparator());
        if (estimate.violations().isEmpty()) {
            line(out, "No constraint violated.");
        } else {
            line(out, "Violations:");
            for (Violation v : estimate.violations()) {
                line(out, "  %s: %s", v.code(), v.reason());
            }
        }
        return out.toString();
    }

    private static void part(StringBuilder out, String label, double seconds, Estimate estimate) {
        double share = estimate.iterationTimeSeconds() > 0 ? seconds / estimate.iterationTimeSeconds() : 0;
        line(out, "  %-22s%10.4f s  %5.1f%%", label, seconds, 100 * share);
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append(System.lineSeparator());
    }
}
