package dev.trainingplanner.costmodel.compute;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.cluster.GpuType;
import dev.trainingplanner.costmodel.training.Precision;

/**
 * Time of one GEMM from its shape on one GPU type at one precision. A GEMM is cut into output tiles, each computed by
 * one SM; the library picks the tile that finishes first. For a tile TM×TN:
 *
 * <ul>
 *   <li><b>tile quantization</b>: the tile grid covers {@code ⌈m/TM⌉·⌈n/TN⌉} tiles per batch entry and the reduction
 *       runs in steps of 64 bytes ({@code ⌈k/32⌉·32} for 16-bit), so a ragged edge costs a whole tile;
 *   <li><b>wave quantization</b>: the SMs run the tiles in {@code ⌈tiles/SMs⌉} waves, so 109 tiles on 108 SMs take
 *       two waves;
 *   <li><b>tile efficiency</b>: a TM×TN tile reuses each loaded element {@code I = TM·TN/(TM+TN)} times and runs at
 *       {@code I/(I + I½)} of its ideal rate, normalised so that the largest tile (256×128) runs at the fitted
 *       ceiling;
 *   <li><b>alignment</b>: when any dimension is not a multiple of 16 bytes (8 fp16 elements) the fast kernels' vector
 *       loads are unusable and the rate drops by the partial (4/8-byte) or narrow (1/2-byte) alignment factor.
 * </ul>
 *
 * Compute time is {@code waves · 2·TM·TN·(k_padded + k₀) / (peak/SMs · efficiency)}, where {@code k₀} is a tile's
 * fixed work (pipeline fill and writing the output tile) in reduction elements. The GEMM also cannot run faster than
 * streaming its operands once through HBM ({@code bytes·(mk + kn)} in, 2 bytes·mn out, at the fitted fraction of the
 * catalog bandwidth), which is what limits skinny GEMMs and the score matrices of unfused attention. A fixed launch time
 * is added. Sources of the effects: NVIDIA's "Matrix Multiplication Background" guide (tile and wave quantization,
 * alignment to multiples of 8); the fit and its residuals are in the module README ("GEMM shape model").
 *
 * <p>Built once per (GPU type, precision) and immutable; {@link #seconds} allocates nothing and is deterministic.
 */
public final class GemmTimeModel {

    /**
     * Output tiles of the CUTLASS/cuBLAS tensor-core kernels for Ampere and Hopper (M×N per thread block), as log2 so
     * that tile counts are shifts: 256×128, 128×256, 128×128, 128×64, 64×128, 64×64.
     */
    private static final int[] LOG2_TILE_M = {8, 7, 7, 7, 6, 6};

    private static final int[] LOG2_TILE_N = {7, 8, 7, 6, 7, 6};

    /** Reduction step of one main-loop iteration: 32 fp16 / 64 fp8 / 128 fp4 elements. */
    private static final int K_TILE_BYTES = 64;

    /** Width of the vector loads that the fast kernels need (cp.async / TMA): 8 fp16 elements. */
    private static final int VECTOR_BYTES = 16;

    /** GEMM outputs are written in a 16-bit format (fp8 and fp4 GEMMs too, Transformer Engine / DeepGEMM). */
    private static final int OUTPUT_BYTES = 2;

    private final GemmKernelParameters parameters;
    private final int streamingMultiprocessors;
    private final double inverseSms;
    /** Operand bytes per element, block scales included ({@link Precision#operandBytes()}). */
    private final double elementBytes;
    /** Operand bits per element without scales: 16, 8 or 4. */
    private final int operandBits;

    private final int log2KTileElements;
    private final double tileOverheadElements;
    private final double launchSeconds;
    private final double hbmBytesPerSecond;
    private final double partialAlignment;
    private final double narrowAlignment;
    /** Per tile shape: seconds one SM needs per reduction element of one tile, {@code 2·TM·TN / (rate per SM)}. */
    private final double[] tileSecondsPerReductionElement = new double[LOG2_TILE_M.length];

    public GemmTimeModel(GpuType gpu, Precision precision, GemmKernelParameters parameters) {
        this.parameters = parameters;
        this.streamingMultiprocessors = gpu.streamingMultiprocessors();
        this.inverseSms = 1.0 / streamingMultiprocessors;
        this.elementBytes = precision.operandBytes();
        this.operandBits = precision.operandBits();
        this.log2KTileElements = Integer.numberOfTrailingZeros(K_TILE_BYTES * 8 / precision.operandBits());
        this.tileOverheadElements = parameters.tileOverheadReductionElements();
        this.launchSeconds = parameters.launchMicroseconds() * 1e-6;
        this.hbmBytesPerSecond = gpu.hbmBandwidthBytesPerSecond() * parameters.hbmEfficiency();
        this.partialAlignment = parameters.partialAlignmentEfficiency();
        this.narrowAlignment = parameters.narrowAlignmentEfficiency();
        double flopsPerSecondPerSm = gpu.peakFlopsPerSecond(precision) / streamingMultiprocessors;
        double largestReuse = reuse(0);
        double largestRelative = largestReuse / (largestReuse + parameters.tileHalfIntensityElements());
        for (int t = 0; t < LOG2_TILE_M.length; t++) {
            double relative = reuse(t) / (reuse(t) + parameters.tileHalfIntensityElements()) / largestRelative;
            double tileRate = flopsPerSecondPerSm * parameters.maxEfficiency() * relative;
            tileSecondsPerReductionElement[t] = 2.0 * (1 << LOG2_TILE_M[t]) * (1 << LOG2_TILE_N[t]) / tileRate;
        }
    }

    /** The model of {@code gpu} at {@code precision} with the parameters of {@link GemmKernelTable}. */
    public static GemmTimeModel of(GpuType gpu, Precision precision) {
        return new GemmTimeModel(gpu, precision, GemmKernelTable.forGpu(gpu, precision));
    }

    /**
     * The shape behaviour of {@link GemmKernelTable}'s constants (tiles, waves, alignment, reduction overhead, HBM
     * floor, launch) with the ceiling set to {@code ceiling}: the level that a training stack's GEMMs reach on this GPU,
     * fitted end to end on the calibration runs ({@code calibration.EfficiencyTable}).
     */
    public static GemmTimeModel withCeiling(GpuType gpu, Precision precision, double ceiling) {
        GemmKernelParameters kernel = GemmKernelTable.forGpu(gpu, precision);
        return new GemmTimeModel(
                gpu,
                precision,
                kernel.withMaxEfficiency(ceiling, kernel.provenance() + "; ceiling of the training stack"));
    }

    private static double reuse(int tile) {
        double m = 1 << LOG2_TILE_M[tile];
        double n = 1 << LOG2_TILE_N[tile];
        return m * n / (m + n);
    }

    public GemmKernelParameters parameters() {
        return parameters;
    }

    public double seconds(GemmShape shape) {
        return seconds(shape.m(), shape.n(), shape.k(), shape.batch());
    }

    /** Seconds of {@code batch} GEMMs {@code C[m,n] = A[m,k]·B[k,n]} issued as one call. */
    public double seconds(long m, long n, long k, long batch) {
        if (m <= 0 || n <= 0 || k <= 0 || batch <= 0) {
            throw new InvalidInputException(
                    "GEMM dimensions must be above 0, got m=" + m + " n=" + n + " k=" + k + " batch=" + batch);
        }
        double tileReduction = (double) (ceilShift(k, log2KTileElements) << log2KTileElements) + tileOverheadElements;
        double fastest = Double.POSITIVE_INFINITY;
        for (int t = 0; t < LOG2_TILE_M.length; t++) {
            long tiles = batch * ceilShift(m, LOG2_TILE_M[t]) * ceilShift(n, LOG2_TILE_N[t]);
            long waves = waves(tiles);
            fastest = Math.min(fastest, waves * tileSecondsPerReductionElement[t] * tileReduction);
        }
        double compute = fastest / alignmentEfficiency(m, n, k);
        double bytes = batch * (elementBytes * ((double) m * k + (double) k * n) + OUTPUT_BYTES * (double) m * n);
        return launchSeconds + Math.max(compute, bytes / hbmBytesPerSecond);
    }

    /** Achieved FLOP/s of the call, {@code 2·batch·m·n·k / seconds}. */
    public double achievedFlopsPerSecond(GemmShape shape) {
        return shape.flops() / seconds(shape);
    }

    /** The rate multiplier of the worst-aligned dimension: every dimension is a leading one in some pass. */
    double alignmentEfficiency(long m, long n, long k) {
        long alignedBytes = Math.min(alignedBytes(m), Math.min(alignedBytes(n), alignedBytes(k)));
        if (alignedBytes >= VECTOR_BYTES) {
            return 1.0;
        }
        return alignedBytes >= 4 ? partialAlignment : narrowAlignment;
    }

    /** The largest power of two (bytes, at most 16) that divides a row of {@code elements} elements. */
    private long alignedBytes(long elements) {
        return Math.min(VECTOR_BYTES, Long.lowestOneBit(elements * operandBits) / 8);
    }

    /** {@code ⌈tiles / SMs⌉} by a multiply with the reciprocal, corrected to the exact integer. */
    private long waves(long tiles) {
        long waves = (long) (tiles * inverseSms);
        while (waves * streamingMultiprocessors < tiles) {
            waves++;
        }
        while (waves > 0 && (waves - 1) * streamingMultiprocessors >= tiles) {
            waves--;
        }
        return waves;
    }

    /** {@code ⌈a / 2^log2⌉}: tile counts by shifts, since this runs once per GEMM of every prepared layout. */
    private static long ceilShift(long a, int log2) {
        return (a + (1L << log2) - 1) >> log2;
    }
}
