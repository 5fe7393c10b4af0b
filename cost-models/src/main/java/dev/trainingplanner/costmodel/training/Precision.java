package dev.trainingplanner.costmodel.training;

import dev.trainingplanner.costmodel.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Numeric format of the linear-layer GEMMs. The low-precision formats run those GEMMs in their format with bf16
 * elsewhere (attention, output layer, activations, communication), as Transformer Engine does:
 *
 * <ul>
 *   <li>{@code fp8}: E4M3/E5M2 with per-tensor (delayed or current) scaling, Hopper and later;
 *   <li>{@code mxfp8}: OCP MX block-scaled FP8, one E8M0 scale per 32 elements, Blackwell tensor cores only;
 *   <li>{@code nvfp4}: NVIDIA's block-scaled E2M1, one E4M3 scale per 16 elements plus one fp32 scale per tensor,
 *       Blackwell tensor cores only.
 * </ul>
 *
 * Weights, gradients and optimizer states keep the bf16 layout of cost-models.md §2 in every format: Transformer
 * Engine holds bf16 parameters (and the optimizer's fp32 master copy) and quantizes them per step into transient
 * low-precision copies, so the model states do not shrink with the GEMM format.
 */
public enum Precision {
    FP16(16, 0),
    BF16(16, 0),
    FP8(8, 0),
    MXFP8(8, 32),
    NVFP4(4, 16);

    private final int operandBits;
    private final int elementsPerScale;

    Precision(int operandBits, int elementsPerScale) {
        this.operandBits = operandBits;
        this.elementsPerScale = elementsPerScale;
    }

    /** The name used in the CLI, the REST API, plan documents and {@code cases.csv}: {@code bf16}, {@code nvfp4}. */
    public String externalName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the linear GEMMs run below 16 bits (fp8, mxfp8, nvfp4) with bf16 everywhere else. */
    public boolean lowPrecisionGemms() {
        return operandBits < 16;
    }

    /**
     * Bytes a GEMM reads per operand element, including the one-byte block scales of the MX formats (1/32 byte per
     * element for mxfp8, 1/16 for nvfp4; the per-tensor scale is negligible).
     */
    public double operandBytes() {
        return operandBits / 8.0 + (elementsPerScale > 0 ? 1.0 / elementsPerScale : 0);
    }

    /** Bits per operand element without the scales: 16, 8 or 4. */
    public int operandBits() {
        return operandBits;
    }

    /** The precision called {@code text} (case-insensitive); unknown names list the accepted ones. */
    public static Precision parse(String text) {
        String name = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
        for (Precision precision : values()) {
            if (precision.name().equals(name)) {
                return precision;
            }
        }
        throw new InvalidInputException("precision must be one of " + names() + ", got '" + text + "'");
    }

    /** The external names, comma-separated: {@code fp16, bf16, fp8, mxfp8, nvfp4}. */
    public static String names() {
        return Arrays.stream(values()).map(Precision::externalName).collect(Collectors.joining(", "));
    }
}
