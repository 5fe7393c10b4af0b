package dev.trainingplanner.costmodel.time;

import dev.trainingplanner.costmodel.layout.Recompute;

/**
 * Tensor-parallel communication inside a stage (cost-models.md §3, "TP communication inside a stage"): per layer two
 * all-reduces in forward and two in backward (reduce-scatter + all-gather pairs of the same volume with sequence
 * parallelism), each of the layer's activations {@code S = b·(s/cp)·h·2} bytes, priced as a ring all-reduce
 * ({@link CollectiveTime}, hierarchical across nodes, §4.4) on the group's links and counted only for the fraction that
 * is not hidden behind GEMMs. Ladder Residual layers hide part of it ({@link LadderResidual}).
 */
public final class TensorParallelTime {

    /** All-reduces per layer without recompute: two in forward, two in backward. */
    public static final int ALL_REDUCES_PER_LAYER = 4;
    /** All-reduces that full recompute adds per layer: the forward's two, run again. */
    public static final int FULL_RECOMPUTE_ALL_REDUCES = 2;

    private TensorParallelTime() {}

    /** Bytes of one TP collective: the 16-bit activations of {@code tokens} tokens of width {@code hidden}. */
    public static double messageBytes(double tokens, double hidden) {
        return tokens * hidden * ComputeTime.ACTIVATION_BYTES;
    }

    /** TP collectives per micro-batch of a stage of {@code layers} layers; none without tensor parallelism. */
    public static double collectivesPerStage(int tp, int layers, Recompute recompute) {
        if (tp <= 1) {
            return 0;
        }
        return layers
                * ((double) ALL_REDUCES_PER_LAYER + (recompute == Recompute.FULL ? FULL_RECOMPUTE_ALL_REDUCES : 0));
    }

    /** The part of one collective of {@code allReduceSeconds} that compute does not hide. */
    public static double exposedSeconds(double allReduceSeconds, double exposedFraction) {
        return allReduceSeconds * exposedFraction;
    }
}
