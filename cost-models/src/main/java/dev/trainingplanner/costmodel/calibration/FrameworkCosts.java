package dev.trainingplanner.costmodel.calibration;

import static dev.trainingplanner.costmodel.InvalidInputException.nonNegative;
import static dev.trainingplanner.costmodel.InvalidInputException.require;

/**
 * The fixed costs of one training framework (values in {@link EfficiencyTable}, formulas in
 * {@code time.FrameworkOverhead}).
 *
 * @param microBatchSeconds per micro-batch and pipeline stage: the pipeline engine's instruction scheduling (load,
 *     forward, backward, send and receive instructions dispatched from Python, each a blocking step)
 * @param checkpointedLayerSeconds per layer and micro-batch under full recompute: the framework's activation
 *     checkpointing (RNG state save and restore, partitioned checkpoint gather, re-dispatch of the layer)
 * @param transfersPerChunk pipeline transfers per micro-batch and virtual stage on a stage's critical path
 * @param blockingP2p whether pipeline sends and receives block the stage (nothing of them is hidden)
 * @param moeLayerHostSeconds per MoE layer and micro-batch (forward and backward) outside a full-iteration CUDA graph:
 *     the dropless dispatcher copies the tokens per expert to the host before it can size the expert GEMMs, so the
 *     CPU cannot run ahead and the launches after each synchronisation are exposed
 * @param provenance where the values come from
 */
public record FrameworkCosts(
        double microBatchSeconds,
        double checkpointedLayerSeconds,
        int transfersPerChunk,
        boolean blockingP2p,
        double moeLayerHostSeconds,
        String provenance) {

    public FrameworkCosts {
        nonNegative("microBatchSeconds", microBatchSeconds);
        nonNegative("checkpointedLayerSeconds", checkpointedLayerSeconds);
        nonNegative("moeLayerHostSeconds", moeLayerHostSeconds);
        require(transfersPerChunk > 0, "transfersPerChunk must be above 0, got " + transfersPerChunk);
        require(provenance != null, "provenance must not be null");
    }
}
