package dev.trainingplanner.costmodel.compute;

import dev.trainingplanner.costmodel.cluster.GpuType;
import dev.trainingplanner.costmodel.training.Precision;
import java.util.Locale;

/**
 * The one place where the fitted constants of {@link GemmTimeModel} live, per GPU type and precision, with their
 * provenance. Fitted by {@code calibration.GemmShapeFit} (test sources) on the repository's
 * {@code calibration/kernels/gemm_measurements.csv}; the fit and the achieved errors are in the module README ("GEMM
 * shape model").
 *
 * <p>Only A100 (sources G1a–e and G2, 1,927 fp16 rows) and H100 (G5, 6 fp16 rows) have sweeps. Every other type is
 * derived from the closest measured type: the catalog supplies its peak, SM count and HBM bandwidth, and its ceiling
 * is the measured type's ceiling scaled by the ratio of the two types' best-shape efficiencies in source G4
 * (ml-engineering's "maximum achievable matmul FLOPS", one benchmark run the same way on every GPU: H100, H200,
 * B200, GB200 and B300 in bf16 and fp8). GB200 and B300 have G4 rows of their own; GB300 takes B300's (same die).
 */
public final class GemmKernelTable {

    /** G4 best-shape efficiencies (fraction of the dense peak), the ratios for derived types. */
    private static final double G4_H100_BF16 = 0.803;

    private static final double G4_H100_FP8 = 0.709;
    private static final double G4_H200_FP8 = 0.734;
    private static final double G4_B200_BF16 = 0.776;
    private static final double G4_B200_FP8 = 0.763;
    private static final double G4_GB200_BF16 = 0.729;
    private static final double G4_GB200_FP8 = 0.723;
    private static final double G4_B300_BF16 = 0.786;
    private static final double G4_B300_FP8 = 0.745;

    /**
     * A100 fp16, every constant fitted on the G1a–e and G2 rows (torch 1.13 / cuBLAS of 2023; the benchmarks
     * synchronise after every call, hence the launch time). Timing is the mean (G1a–c) or the maximum (G1d–e, G2) per
     * iteration, so the ceiling is slightly pessimistic. The HBM efficiency is relative to the A100-80GB catalog
     * bandwidth (2,039 GB/s; the sources do not say which A100 they ran).
     */
    static final GemmKernelParameters A100 = new GemmKernelParameters(
            0.82, 34, 160, 0.56, 13, 0.68, 0.42, "fitted: A100 fp16 rows of G1a-e and G2 (1,927 rows)");

    /**
     * H100 16-bit: the ceiling fitted on the six G5 rows (torch.bmm fp16, 4096×4096 output, reduction 10,848–11,008);
     * they cannot separate the other constants, which are A100's. G5 reaches 40% of the peak where G4's best shape
     * reaches 80% (torch 2.7); G5 does not name its torch/cuBLAS version, so this ceiling is that of G5's software
     * stack and about half of what G4 measured (module README, "GEMM shape model").
     */
    static final GemmKernelParameters H100 = A100.withMaxEfficiency(0.42, "fitted: ceiling on G5 H100 fp16 rows (6)");

    private GemmKernelTable() {}

    /** The constants of {@code gpu} at {@code precision}: measured where rows exist, else derived (see class doc). */
    public static GemmKernelParameters forGpu(GpuType gpu, Precision precision) {
        String name = gpu.name().toLowerCase(Locale.ROOT);
        if (name.startsWith("a100")) {
            return A100;
        }
        if (name.startsWith("h100") && !precision.lowPrecisionGemms()) {
            return H100;
        }
        double best = bestShapeEfficiency(gpu, precision);
        if (Double.isNaN(best)) {
            // V100, MI250X and profile-defined types have no kernel rows at all: the A100 constants (closest by
            // peak), or H100's for a type above A100's peak.
            GemmKernelParameters closest = gpu.peakTflopsFp16() <= 312 ? A100 : H100;
            return closest.withMaxEfficiency(
                    closest.maxEfficiency(),
                    "derived: " + (closest == A100 ? "A100" : "H100") + " constants, no kernel rows for " + gpu.name());
        }
        return scaled(
                H100,
                best / G4_H100_BF16,
                "H100 16-bit × G4 " + gpu.name() + " " + precision.externalName() + " / H100 bf16");
    }

    /**
     * The best-shape efficiency that source G4 measured on {@code gpu}'s family at {@code precision} (fraction of the
     * dense peak), NaN for a family G4 did not measure. 16-bit formats read the bf16 row; fp8, mxfp8 and nvfp4 read
     * the fp8 row (G4 has no block-scaled rows: the block-scaled formats are assumed to reach the fp8 fraction of
     * their own peak). H200 and H800 run H100's GH100 SMs (G4 lists no H200 bf16 row); GB300 is B300's Blackwell
     * Ultra die, which G4 measured only in its B300 form.
     */
    public static double bestShapeEfficiency(GpuType gpu, Precision precision) {
        String name = gpu.name().toLowerCase(Locale.ROOT);
        boolean low = precision.lowPrecisionGemms();
        if (name.startsWith("h100") || name.startsWith("h800")) {
            return low ? G4_H100_FP8 : G4_H100_BF16;
        }
        if (name.startsWith("h200")) {
            return low ? G4_H200_FP8 : G4_H100_BF16;
        }
        if (name.startsWith("b200")) {
            return low ? G4_B200_FP8 : G4_B200_BF16;
        }
        if (name.startsWith("gb200")) {
            return low ? G4_GB200_FP8 : G4_GB200_BF16;
        }
        if (name.startsWith("b300") || name.startsWith("gb300")) {
            return low ? G4_B300_FP8 : G4_B300_BF16;
        }
        return Double.NaN;
    }

    private static GemmKernelParameters scaled(GemmKernelParameters base, double ratio, String how) {
        return base.withMaxEfficiency(Math.min(1.0, base.maxEfficiency() * ratio), "derived: " + how);
    }
}
