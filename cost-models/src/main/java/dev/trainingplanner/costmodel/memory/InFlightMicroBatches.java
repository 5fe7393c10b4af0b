package dev.trainingplanner.costmodel.memory;

/**
 * Micro-batches whose activations a pipeline stage holds at its peak (cost-models.md §2.3, Megatron-LM
 * {@code schedules.py} warm-up counts).
 */
public final class InFlightMicroBatches {

    private InFlightMicroBatches() {}

    /** 1F1B: stage i (0-based) of p holds min(m, p − i) micro-batches. */
    public static int oneFOneB(int stage, int stages, int microBatches) {
        return Math.min(microBatches, stages - stage);
    }

    /**
     * Interleaved 1F1B: rank r holds min(m·v, 2(p − r − 1) + (v − 1)·G + 1) chunk-micro-batches, each of L_i/v layers,
     * with G = p (Megatron's default {@code microbatch_group_size_per_vp_stage}).
     */
    public static int interleavedChunks(int stage, int stages, int chunks, int microBatches) {
        long warmup = 2L * (stages - stage - 1) + (long) (chunks - 1) * stages + 1;
        return (int) Math.min((long) microBatches * chunks, warmup);
    }

    /** Micro-batches (1F1B) or chunk-micro-batches (interleaved, {@code chunks > 1}) the stage holds at its peak. */
    public static int atPeak(int stage, int stages, int chunks, int microBatches) {
        return chunks <= 1
                ? oneFOneB(stage, stages, microBatches)
                : interleavedChunks(stage, stages, chunks, microBatches);
    }

    /** Layers' worth of activations (in units of one layer of one micro-batch) held by the stage at its peak. */
    public static double layerEquivalents(int stage, int stages, int chunks, int microBatches, int stageLayers) {
        if (chunks <= 1) {
            return (double) oneFOneB(stage, stages, microBatches) * stageLayers;
        }
        return (double) interleavedChunks(stage, stages, chunks, microBatches) * stageLayers / chunks;
    }
}
