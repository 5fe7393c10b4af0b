package dev.trainingplanner.costmodel.cluster;

import static dev.trainingplanner.costmodel.InvalidInputException.nonNegative;
import static dev.trainingplanner.costmodel.InvalidInputException.positive;
import static dev.trainingplanner.costmodel.InvalidInputException.require;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.training.Precision;

/**
 * Facts about one GPU model (cost-models.md §10). Peaks are dense tensor-core figures, never "with sparsity".
 * Bandwidths are per direction.
 *
 * @param name catalog name, e.g. {@code H100-80GB}
 * @param peakTflopsFp16 dense FP16 TFLOP/s
 * @param peakTflopsBf16 dense BF16 TFLOP/s (0 when unsupported)
 * @param peakTflopsFp8 dense FP8 TFLOP/s with per-tensor scaling (0 when unsupported)
 * @param peakTflopsMxfp8 dense MXFP8 (block-scaled FP8) TFLOP/s; 0 before Blackwell, whose tensor cores lack block
 *     scaling
 * @param peakTflopsNvfp4 dense NVFP4 TFLOP/s; 0 before Blackwell
 * @param memoryBytes device memory as {@code nvidia-smi} reports memory.total
 * @param hbmBandwidthBytesPerSecond HBM bandwidth
 * @param intraNodeBandwidthBytesPerSecond default per-GPU NVLink/xGMI bandwidth to another GPU of the node
 * @param pairedGpuBandwidthBytesPerSecond bandwidth to the sibling die of the same package (MI250X GCD pair), 0 if
 *     there is none
 * @param nodeNetworkBandwidthBytesPerSecond default aggregate NIC bandwidth of one node of the reference system
 * @param defaultGpusPerNode GPUs per node of the reference system
 * @param streamingMultiprocessors SMs (AMD: compute units) that run GEMM tiles concurrently; sets the wave size of
 *     the GEMM shape model ({@code compute.GemmTimeModel})
 */
public record GpuType(
        String name,
        double peakTflopsFp16,
        double peakTflopsBf16,
        double peakTflopsFp8,
        double peakTflopsMxfp8,
        double peakTflopsNvfp4,
        long memoryBytes,
        double hbmBandwidthBytesPerSecond,
        double intraNodeBandwidthBytesPerSecond,
        double pairedGpuBandwidthBytesPerSecond,
        double nodeNetworkBandwidthBytesPerSecond,
        int defaultGpusPerNode,
        int streamingMultiprocessors) {

    public GpuType {
        require(name != null && !name.isBlank(), "GPU type name must not be blank");
        positive("GPU " + name + ": peakTflopsFp16", peakTflopsFp16);
        nonNegative("GPU " + name + ": peakTflopsBf16", peakTflopsBf16);
        nonNegative("GPU " + name + ": peakTflopsFp8", peakTflopsFp8);
        nonNegative("GPU " + name + ": peakTflopsMxfp8", peakTflopsMxfp8);
        nonNegative("GPU " + name + ": peakTflopsNvfp4", peakTflopsNvfp4);
        require(memoryBytes > 0, "GPU " + name + ": memoryBytes must be above 0, got " + memoryBytes);
        positive("GPU " + name + ": hbmBandwidthBytesPerSecond", hbmBandwidthBytesPerSecond);
        positive("GPU " + name + ": intraNodeBandwidthBytesPerSecond", intraNodeBandwidthBytesPerSecond);
        nonNegative("GPU " + name + ": pairedGpuBandwidthBytesPerSecond", pairedGpuBandwidthBytesPerSecond);
        positive("GPU " + name + ": nodeNetworkBandwidthBytesPerSecond", nodeNetworkBandwidthBytesPerSecond);
        positive("GPU " + name + ": defaultGpusPerNode", defaultGpusPerNode);
        positive("GPU " + name + ": streamingMultiprocessors", streamingMultiprocessors);
    }

    /** A type without block-scaled tensor cores (everything before Blackwell, and profile-defined types). */
    public GpuType(
            String name,
            double peakTflopsFp16,
            double peakTflopsBf16,
            double peakTflopsFp8,
            long memoryBytes,
            double hbmBandwidthBytesPerSecond,
            double intraNodeBandwidthBytesPerSecond,
            double pairedGpuBandwidthBytesPerSecond,
            double nodeNetworkBandwidthBytesPerSecond,
            int defaultGpusPerNode,
            int streamingMultiprocessors) {
        this(
                name,
                peakTflopsFp16,
                peakTflopsBf16,
                peakTflopsFp8,
                0,
                0,
                memoryBytes,
                hbmBandwidthBytesPerSecond,
                intraNodeBandwidthBytesPerSecond,
                pairedGpuBandwidthBytesPerSecond,
                nodeNetworkBandwidthBytesPerSecond,
                defaultGpusPerNode,
                streamingMultiprocessors);
    }

    public boolean supports(Precision precision) {
        return switch (precision) {
            case FP16 -> true;
            case BF16 -> peakTflopsBf16 > 0;
            case FP8 -> peakTflopsFp8 > 0;
            case MXFP8 -> peakTflopsMxfp8 > 0;
            case NVFP4 -> peakTflopsNvfp4 > 0;
        };
    }

    /** Dense peak FLOP/s of the GEMMs at {@code precision}; throws for a precision the GPU cannot run. */
    public double peakFlopsPerSecond(Precision precision) {
        if (!supports(precision)) {
            throw new InvalidInputException("GPU " + name + " does not support " + precision.externalName()
                    + (precision == Precision.BF16 ? "; use fp16" : "; use " + supportedNames()));
        }
        double tflops =
                switch (precision) {
                    case FP16 -> peakTflopsFp16;
                    case BF16 -> peakTflopsBf16;
                    case FP8 -> peakTflopsFp8;
                    case MXFP8 -> peakTflopsMxfp8;
                    case NVFP4 -> peakTflopsNvfp4;
                };
        return tflops * 1e12;
    }

    private String supportedNames() {
        StringBuilder names = new StringBuilder();
        for (Precision precision : Precision.values()) {
            if (supports(precision)) {
                names.append(names.isEmpty() ? "" : ", ").append(precision.externalName());
            }
        }
        return names.toString();
    }

    /** The 16-bit format used for activations, weights and gradients: BF16 where supported, else FP16. */
    public Precision halfPrecision() {
        return peakTflopsBf16 > 0 ? Precision.BF16 : Precision.FP16;
    }
}
