package dev.trainingplanner.costmodel.time;

/**
 * Context parallelism by ring attention (cost-models.md §4.2, point-to-point row): each of the cp − 1 steps of a
 * layer's forward sends the local K and V block to the next rank of the CP ring while the block in hand is attended;
 * backward exchanges K, V and their gradients (twice the bytes) while the attention backward runs. Only the exchange time
 * beyond the attention it overlaps is exposed.
 */
public final class ContextParallelTime {

    /** Tensors sent per ring step: K and V. */
    public static final int KV_TENSORS = 2;
    /** Bytes exchanged in backward per byte of forward: K, V and their gradients. */
    public static final double BACKWARD_EXCHANGE_FACTOR = 2;

    private ContextParallelTime() {}

    /** Bytes of one ring step: the 16-bit K and V of {@code tokens} local tokens, KV width h·k/a split over TP. */
    public static double stepBytes(double tokens, double hidden, double kvRatio, int tp) {
        return KV_TENSORS * tokens * hidden * kvRatio * ComputeTime.ACTIVATION_BYTES / tp;
    }

    /** Forward exchanges of one layer: cp − 1 point-to-point steps on the ring's slowest link. */
    public static double forwardSecondsPerLayer(int cp, double stepBytes, double bandwidth, double latency) {
        return (double) (cp - 1) * CollectiveTime.pointToPoint(stepBytes, bandwidth, latency);
    }

    /**
     * Exposed ring-attention time per micro-batch of a stage of {@code layers} layers whose attention forward takes
     * {@code stageAttentionForwardSeconds}; the blocks are attended by flash attention (backward 2.5× forward).
     */
    public static double exposedStageSeconds(
            int layers, double stageAttentionForwardSeconds, double forwardSecondsPerLayer) {
        double attention = layers > 0 ? stageAttentionForwardSeconds / layers : 0;
        double exposedPerLayer = Math.max(0, forwardSecondsPerLayer - attention)
                + Math.max(
                        0,
                        BACKWARD_EXCHANGE_FACTOR * forwardSecondsPerLayer
                                - ComputeTime.FLASH_BACKWARD_FACTOR * attention);
        return layers * exposedPerLayer;
    }
}
