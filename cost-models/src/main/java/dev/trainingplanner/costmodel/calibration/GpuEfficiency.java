package dev.trainingplanner.costmodel.calibration;

import static dev.trainingplanner.costmodel.InvalidInputException.nonNegative;
import static dev.trainingplanner.costmodel.InvalidInputException.positive;
import static dev.trainingplanner.costmodel.InvalidInputException.require;

import dev.trainingplanner.costmodel.training.Precision;

/**
 * The calibrated efficiency parameters of one GPU type: the one place where the cost models meet measurements. Values
 * live in {@link EfficiencyTable} and are documented, with their provenance, in the module README.
 *
 * @param gemmEfficiency level that the training stack's 16-bit GEMMs reach on the kernel shape model's best shape
 *     (256×128 tiles, full waves, long reduction), as a fraction of the dense peak; every other shape is priced
 *     relative to it by {@code compute.GemmTimeModel}
 * @param fp8GemmEfficiency the same level for FP8 GEMMs, as a fraction of the dense FP8 peak
 * @param mxfp8GemmEfficiency the same level for MXFP8 GEMMs, as a fraction of the dense MXFP8 peak
 * @param nvfp4GemmEfficiency the same level for NVFP4 GEMMs, as a fraction of the dense NVFP4 peak
 * @param attentionEfficiency fraction of the 16-bit peak reached by fused (flash) attention on its causal FLOPs
 * @param memoryBoundBytesPerToken bytes moved through HBM per token per hidden unit per layer by the non-GEMM ops
 *     (norms, activations, residuals, dropout, RoPE) in forward; backward moves twice as much
 * @param hbmEfficiency achievable fraction of HBM bandwidth for memory-bound kernels
 * @param tensorParallelExposedFraction fraction of TP/SP collective time not hidden behind GEMMs
 * @param dataParallelOverlapFraction fraction of the last micro-batch's backward that hides gradient reduction
 * @param pipelineP2pExposedFraction fraction of steady-state pipeline send/receive time on the critical path
 * @param zero3OverlapFraction fraction of compute that hides ZeRO-3 all-gathers and reduce-scatters
 * @param contextBytes CUDA context, loaded kernels and library workspaces per process
 * @param ncclBytesPerCommunicator NCCL buffers per communicator the rank belongs to
 * @param allocatorReserveFraction caching-allocator reserve and fragmentation, as a fraction of tensor memory
 * @param provenance how the values were obtained (fitted rows, or derived from another type)
 */
public record GpuEfficiency(
        double gemmEfficiency,
        double fp8GemmEfficiency,
        double mxfp8GemmEfficiency,
        double nvfp4GemmEfficiency,
        double attentionEfficiency,
        double memoryBoundBytesPerToken,
        double hbmEfficiency,
        double tensorParallelExposedFraction,
        double dataParallelOverlapFraction,
        double pipelineP2pExposedFraction,
        double zero3OverlapFraction,
        double contextBytes,
        double ncclBytesPerCommunicator,
        double allocatorReserveFraction,
        String provenance) {

    public GpuEfficiency {
        fraction("gemmEfficiency", gemmEfficiency);
        fraction("fp8GemmEfficiency", fp8GemmEfficiency);
        fraction("mxfp8GemmEfficiency", mxfp8GemmEfficiency);
        fraction("nvfp4GemmEfficiency", nvfp4GemmEfficiency);
        fraction("attentionEfficiency", attentionEfficiency);
        nonNegative("memoryBoundBytesPerToken", memoryBoundBytesPerToken);
        fraction("hbmEfficiency", hbmEfficiency);
        require(
                tensorParallelExposedFraction >= 0 && tensorParallelExposedFraction <= 1,
                "tensorParallelExposedFraction must be within 0..1, got " + tensorParallelExposedFraction);
        require(
                dataParallelOverlapFraction >= 0 && dataParallelOverlapFraction <= 1,
                "dataParallelOverlapFraction must be within 0..1, got " + dataParallelOverlapFraction);
        require(
                pipelineP2pExposedFraction >= 0 && pipelineP2pExposedFraction <= 1,
                "pipelineP2pExposedFraction must be within 0..1, got " + pipelineP2pExposedFraction);
        require(
                zero3OverlapFraction >= 0 && zero3OverlapFraction <= 1,
                "zero3OverlapFraction must be within 0..1, got " + zero3OverlapFraction);
        nonNegative("contextBytes", contextBytes);
        nonNegative("ncclBytesPerCommunicator", ncclBytesPerCommunicator);
        nonNegative("allocatorReserveFraction", allocatorReserveFraction);
        require(provenance != null, "provenance must not be null");
    }

    /** The GEMM level at {@code precision}: the 16-bit level for fp16 and bf16, else the format's own. */
    public double gemmEfficiency(Precision precision) {
        return switch (precision) {
            case FP16, BF16 -> gemmEfficiency;
            case FP8 -> fp8GemmEfficiency;
            case MXFP8 -> mxfp8GemmEfficiency;
            case NVFP4 -> nvfp4GemmEfficiency;
        };
    }

    private static void fraction(String field, double value) {
        positive(field, value);
        require(value <= 1, field + " must be at most 1, got " + value);
    }
}
