package dev.trainingplanner.costmodel.calibration;

import dev.trainingplanner.costmodel.cluster.GpuType;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Calibrated {@link GpuEfficiency} per GPU type, fitted on {@code shared/calibration/cases.csv} only (see the module
 * README for the fit and its residuals). Types without calibration rows are derived from the closest calibrated type:
 * efficiencies are kept (same software stack) and the runtime memory terms are scaled with the catalog's memory ratio.
 */
public final class EfficiencyTable {

    private static final double GB = 1e9;
    private static final Map<String, GpuEfficiency> TABLE = new LinkedHashMap<>();

    static {
        // V100 rows: Megatron-LM v1 (2020) TP sweep; no TP/DP overlap in that code base.
        TABLE.put(
                "v100-32gb",
                new GpuEfficiency(
                        0.62,
                        0.62,
                        96,
                        0.35,
                        40,
                        0.7,
                        1.0,
                        0.0,
                        1.0,
                        0.7,
                        0.6 * GB,
                        0.15 * GB,
                        0.08,
                        "fitted: S1 V100 rows"));
        // A100 rows: Megatron-LM v1 (2020) and the SC'21 PTD-P weak-scaling table.
        TABLE.put(
                "a100-80gb",
                new GpuEfficiency(
                        0.62,
                        0.62,
                        96,
                        0.45,
                        40,
                        0.75,
                        1.0,
                        0.0,
                        1.0,
                        0.7,
                        0.6 * GB,
                        0.15 * GB,
                        0.08,
                        "fitted: S1 and S2 A100 rows"));
        // H100 rows: Megatron-Core / NeMo / Megatron-Bridge (TP comm overlap, overlapped grad reduce), torchtitan.
        TABLE.put(
                "h100-80gb",
                new GpuEfficiency(
                        0.62,
                        0.45,
                        96,
                        0.55,
                        40,
                        0.75,
                        0.3,
                        0.8,
                        0.5,
                        0.8,
                        0.8 * GB,
                        0.15 * GB,
                        0.05,
                        "fitted: S5, S10, S11 H100 rows"));
        TABLE.put(
                "h100-96gb",
                new GpuEfficiency(
                        0.46,
                        0.36,
                        96,
                        0.25,
                        40,
                        0.75,
                        0.3,
                        0.8,
                        0.5,
                        0.8,
                        0.8 * GB,
                        0.15 * GB,
                        0.05,
                        "fitted: S12 torchtitan H100 96GB rows"));
    }

    private EfficiencyTable() {}

    /** The calibrated parameters of {@code gpu}, or those of the closest calibrated type. */
    public static GpuEfficiency forGpu(GpuType gpu) {
        GpuEfficiency own = TABLE.get(gpu.name().toLowerCase(Locale.ROOT));
        return own != null ? own : derived(gpu);
    }

    /** Whether {@code gpu} has its own fitted row. */
    public static boolean isCalibrated(GpuType gpu) {
        return TABLE.containsKey(gpu.name().toLowerCase(Locale.ROOT));
    }

    private static GpuEfficiency derived(GpuType gpu) {
        String base = closestCalibrated(gpu);
        GpuEfficiency e = TABLE.get(base);
        return new GpuEfficiency(
                e.gemmEfficiency(),
                e.fp8GemmEfficiency(),
                e.gemmHalfWidth(),
                e.attentionEfficiency(),
                e.memoryBoundBytesPerToken(),
                e.hbmEfficiency(),
                e.tensorParallelExposedFraction(),
                e.dataParallelOverlapFraction(),
                e.pipelineP2pExposedFraction(),
                e.zero3OverlapFraction(),
                e.contextBytes(),
                e.ncclBytesPerCommunicator(),
                e.allocatorReserveFraction(),
                "derived from " + base + " (no calibration rows for " + gpu.name() + ")");
    }

    /** The calibrated type whose 16-bit peak is closest on a log scale (same architecture generation). */
    private static String closestCalibrated(GpuType gpu) {
        String name = gpu.name().toLowerCase(Locale.ROOT);
        if (name.startsWith("v100")) {
            return "v100-32gb";
        }
        if (name.startsWith("a100")) {
            return "a100-80gb";
        }
        if (name.startsWith("h100") || name.startsWith("h200")) {
            return "h100-80gb";
        }
        double peak = gpu.peakTflopsFp16();
        return peak < 200 ? "a100-80gb" : "h100-80gb";
    }
}
