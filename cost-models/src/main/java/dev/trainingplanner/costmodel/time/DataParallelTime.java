package dev.trainingplanner.costmodel.time;

import dev.trainingplanner.costmodel.memory.ModelStateBytes;
import dev.trainingplanner.costmodel.training.CollectiveBuckets;
import dev.trainingplanner.costmodel.training.Framework;

/**
 * Data-parallel gradient synchronisation below ZeRO-3 (cost-models.md §6), once per step on each DP ring of dp·cp
 * members, priced per call as the framework issues it: the stage's 16-bit gradients in r = ⌈Ψ_i / reduce bucket⌉
 * calls, each a hierarchical NCCL collective on the ring's slowest links ({@link CollectiveTime#hierarchical}):
 *
 * <pre>
 * ZeRO 0          all-reduce:      RED = r · T_AR(P, M/r)
 * ZeRO 1/2        reduce-scatter:  RED = r · T_RS(P, M/r),  then all-gather of the updated parameters
 *                                  AG  = a · T_AG(P, M/a),   a = ⌈Ψ_i / all-gather bucket⌉
 * Megatron-LM     exposed = max(0, RED − η_DP·B_last) + max(0, AG − η_DP·F_first)
 *                 (--overlap-grad-reduce: buckets reduced while the last micro-batch's backward runs;
 *                  --overlap-param-gather: buckets gathered while the next step's first forward runs)
 * FSDP (DDP)      exposed = max(0, RED − η_DP·B_last)                  (per-block all-reduce hooks in backward)
 * DeepSpeed       exposed = RED + AG   (the pipeline engine reduces after the last micro-batch, and the launch
 *                 leaves overlap_comm off below stage 3: nothing hides the calls)
 * </pre>
 *
 * η_DP is the calibrated overlap fraction. The last bucket's tail (a bucket that is ready only when the backward ends)
 * is not added: it shrinks with the bucket size, and the model keeps more calls never faster than fewer. ZeRO-3
 * reduces per micro-batch instead ({@link ZeroTime}).
 */
public final class DataParallelTime {

    private final Framework framework;
    private final boolean sharded;
    private final double overlapFraction;
    private final double[] reduceCalls;
    private final double[] allGatherCalls;

    /**
     * The reductions of a layout at ZeRO stage {@code zeroStage} (below 3), run by {@code framework} in {@code buckets},
     * for stages of {@code stageLayers} layers and {@code stageParameters} parameters.
     */
    public DataParallelTime(
            Framework framework,
            int zeroStage,
            CollectiveBuckets buckets,
            double overlapFraction,
            int[] stageLayers,
            double[] stageParameters) {
        this.framework = framework;
        this.sharded = zeroStage > 0;
        this.overlapFraction = overlapFraction;
        this.reduceCalls = new double[stageLayers.length];
        this.allGatherCalls = new double[stageLayers.length];
        for (int i = 0; i < stageLayers.length; i++) {
            reduceCalls[i] = buckets.reduceCalls(stageLayers[i], stageParameters[i]);
            allGatherCalls[i] = sharded ? buckets.allGatherCalls(stageLayers[i], stageParameters[i]) : 0;
        }
    }

    /** Bytes reduced per DP ring: one 16-bit gradient per parameter of the stage's shard. */
    public static double gradientBytes(double stageParameters) {
        return stageParameters * ModelStateBytes.GRADIENT_BYTES;
    }

    /** Gradient-reduction calls per step of {@code stage}. */
    public double reduceCalls(int stage) {
        return reduceCalls[stage];
    }

    /** All-gather calls per step of {@code stage} (0 without sharded optimizer states). */
    public double allGatherCalls(int stage) {
        return allGatherCalls[stage];
    }

    /**
     * Exposed time per step of the reductions (and, sharded, the parameter all-gathers) of {@code stage} whose shard has
     * {@code bytes} 16-bit gradient bytes, on a ring of {@code perSlot} members on each of {@code slots} nodes with the
     * ring's slowest links, after {@code lastBackwardSeconds} and before {@code firstForwardSeconds} of compute. The
     * parameter all-gathers' share is written to {@code gatherShare[0]} (the caller's scratch).
     */
    public double exposedSeconds(
            int stage,
            int perSlot,
            int slots,
            double bytes,
            double intraBandwidth,
            double intraLatency,
            double interBandwidth,
            double interLatency,
            double lastBackwardSeconds,
            double firstForwardSeconds,
            double[] gatherShare) {
        double calls = reduceCalls[stage];
        CollectiveTime.Ring reduction = sharded ? CollectiveTime.Ring.ALL_GATHER : CollectiveTime.Ring.ALL_REDUCE;
        double reduce = calls
                * CollectiveTime.hierarchical(
                        reduction,
                        perSlot,
                        slots,
                        bytes / calls,
                        intraBandwidth,
                        intraLatency,
                        interBandwidth,
                        interLatency);
        double gathers = allGatherCalls[stage];
        double gather = gathers > 0
                ? gathers
                        * CollectiveTime.hierarchical(
                                CollectiveTime.Ring.ALL_GATHER,
                                perSlot,
                                slots,
                                bytes / gathers,
                                intraBandwidth,
                                intraLatency,
                                interBandwidth,
                                interLatency)
                : 0;
        switch (framework) {
            case MEGATRON -> {
                gatherShare[0] = hidden(gather, firstForwardSeconds);
                return hidden(reduce, lastBackwardSeconds) + gatherShare[0];
            }
            case FSDP -> {
                double exposed = hidden(reduce + gather, lastBackwardSeconds);
                gatherShare[0] = exposed > 0 ? exposed * gather / (reduce + gather) : 0;
                return exposed;
            }
            default -> {
                gatherShare[0] = gather;
                return reduce + gather;
            }
        }
    }

    private double hidden(double collectiveSeconds, double windowSeconds) {
        return Math.max(0, collectiveSeconds - overlapFraction * windowSeconds);
    }
}
