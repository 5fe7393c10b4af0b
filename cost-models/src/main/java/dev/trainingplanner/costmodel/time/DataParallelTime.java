package dev.trainingplanner.costmodel.time;

import dev.trainingplanner.costmodel.memory.ModelStateBytes;

/**
 * Data-parallel gradient synchronisation below ZeRO-3 (cost-models.md §6): once per step, a hierarchical ring
 * all-reduce (§4.4) of the stage's 16-bit gradients over the dp·cp members of each DP ring, on that ring's slowest
 * links; it starts while the last micro-batch's backward runs, so only the part beyond a calibrated fraction of that
 * backward is exposed. ZeRO-3 reduces per micro-batch instead ({@link ZeroTime}).
 */
public final class DataParallelTime {

    private DataParallelTime() {}

    /** Bytes reduced per DP ring: one 16-bit gradient per parameter of the stage's shard. */
    public static double gradientBytes(double stageParameters) {
        return stageParameters * ModelStateBytes.GRADIENT_BYTES;
    }

    /** The all-reduce's time beyond the overlap window of the last backward. */
    public static double exposedSeconds(double allReduceSeconds, double overlapFraction, double lastBackwardSeconds) {
        double window = overlapFraction * lastBackwardSeconds;
        return Math.max(0, allReduceSeconds - window);
    }
}
