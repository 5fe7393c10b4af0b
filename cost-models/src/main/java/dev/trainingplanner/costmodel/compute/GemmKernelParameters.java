package dev.trainingplanner.costmodel.compute;

import static dev.trainingplanner.costmodel.InvalidInputException.require;

/**
 * The fitted constants of {@link GemmTimeModel} for one GPU type and GEMM precision (see {@link GemmKernelTable} for
 * the values and their provenance).
 *
 * @param maxEfficiency fraction of the dense peak that the largest tile (256×128) reaches on full waves of a long
 *     reduction: the kernel's ceiling on this GPU with the measured software stack
 * @param tileHalfIntensityElements tile operand reuse at which a tile runs at half its ideal rate: a TM×TN tile reuses
 *     each loaded element {@code I = TM·TN/(TM+TN)} times and runs at {@code I/(I + this)}, relative to the largest tile
 * @param tileOverheadReductionElements fixed work of one tile besides its reduction (filling the load pipeline, writing
 *     the output tile), in reduction elements: a tile costs as if its reduction were this much longer, which is what
 *     makes short reductions (attention's QK^T over head_dim) slow
 * @param hbmEfficiency fraction of the catalog's HBM bandwidth that a memory-bound GEMM streams its operands at
 * @param launchMicroseconds fixed time of one GEMM call: kernel launch and, as the benchmarks time it, the host-side
 *     synchronisation; it dominates GEMMs of a few MFLOP
 * @param partialAlignmentEfficiency rate multiplier when some dimension is 4- or 8-byte aligned but not 16-byte
 *     aligned (fp16: a multiple of 2 or 4 but not of 8), which rules out the 16-byte vector loads of the fast kernels
 * @param narrowAlignmentEfficiency rate multiplier when some dimension is only 1- or 2-byte aligned (fp16: odd)
 * @param provenance where the values come from (fitted rows, or the type they were derived from)
 */
public record GemmKernelParameters(
        double maxEfficiency,
        double tileHalfIntensityElements,
        double tileOverheadReductionElements,
        double hbmEfficiency,
        double launchMicroseconds,
        double partialAlignmentEfficiency,
        double narrowAlignmentEfficiency,
        String provenance) {

    public GemmKernelParameters {
        require(maxEfficiency > 0 && maxEfficiency <= 1, "maxEfficiency must be in (0, 1], got " + maxEfficiency);
        require(tileHalfIntensityElements >= 0, "tileHalfIntensityElements must be >= 0");
        require(tileOverheadReductionElements >= 0, "tileOverheadReductionElements must be >= 0");
        require(hbmEfficiency > 0 && hbmEfficiency <= 1, "hbmEfficiency must be in (0, 1], got " + hbmEfficiency);
        require(launchMicroseconds >= 0, "launchMicroseconds must be >= 0, got " + launchMicroseconds);
        require(
                partialAlignmentEfficiency > 0 && partialAlignmentEfficiency <= 1,
                "partialAlignmentEfficiency must be in (0, 1]");
        require(
                narrowAlignmentEfficiency > 0 && narrowAlignmentEfficiency <= partialAlignmentEfficiency,
                "narrowAlignmentEfficiency must be in (0, partialAlignmentEfficiency]");
    }

    /** The same kernel behaviour with another ceiling, for a type derived from a measured one. */
    GemmKernelParameters withMaxEfficiency(double efficiency, String derivedProvenance) {
        return new GemmKernelParameters(
                efficiency,
                tileHalfIntensityElements,
                tileOverheadReductionElements,
                hbmEfficiency,
                launchMicroseconds,
                partialAlignmentEfficiency,
                narrowAlignmentEfficiency,
                derivedProvenance);
    }
}
