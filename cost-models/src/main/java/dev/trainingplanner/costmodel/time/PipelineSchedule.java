package dev.trainingplanner.costmodel.time;

/**
 * The pipeline schedule's time (cost-models.md §5.1, Narayanan et al. SC'21, generalised to uneven stages; §5.2 p2p):
 * one replica's pipeline takes {@code m·τ_max + (Σ_i τ_i − τ_max)/v}, with τ_i the time of stage i per micro-batch
 * (compute, exposed TP/CP and exposed p2p), m micro-batches and v virtual stages. For equal stages this is Megatron's
 * {@code (m + (p−1)/v)·τ}. Each micro-batch crosses each stage boundary 2·v times (activations forward, gradients
 * backward, once per chunk), each a point-to-point send of the 16-bit activations split over TP. The micro-batches a
 * stage holds in memory are in {@code memory.InFlightMicroBatches} (§2.3).
 */
public final class PipelineSchedule {

    /**
     * Boundary transfers per micro-batch and chunk on a stage's critical path with Megatron's batched asynchronous p2p:
     * the activations forward and their gradients backward ({@code time.FrameworkOverhead} for other frameworks).
     */
    public static final int TRANSFERS_PER_CHUNK = 2;

    private PipelineSchedule() {}

    /** Bytes of one pipeline send: {@code tokens} activations of width {@code hidden}, split over TP. */
    public static double sendBytes(double tokens, double hidden, int tp) {
        return tokens * hidden * ComputeTime.ACTIVATION_BYTES / tp;
    }

    /**
     * Pipeline time of one replica with {@code microBatches} micro-batches, slowest stage {@code slowestStageSeconds}
     * and stage times summing to {@code stageSecondsSum}.
     */
    public static double replicaSeconds(
            double microBatches, double slowestStageSeconds, double stageSecondsSum, int chunks) {
        return microBatches * slowestStageSeconds + (stageSecondsSum - slowestStageSeconds) / chunks;
    }
}
