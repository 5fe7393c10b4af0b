package dev.trainingplanner.costmodel.time;

import dev.trainingplanner.costmodel.calibration.FrameworkCosts;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.Recompute;

/**
 * What a framework adds to a pipeline stage's time per micro-batch, beyond the kernels (values per framework in
 * {@code calibration.EfficiencyTable}):
 *
 * <pre>
 * fixed per micro-batch and stage   c_mb + c_ckpt · L_i (c_ckpt only under full recompute)
 *                                   + c_moe · L_moe,i (outside a full-iteration CUDA graph)
 * exposed p2p per hop second        transfers · v · (1 when the framework's p2p blocks, else the GPU type's fraction)
 * </pre>
 *
 * Megatron-LM's schedule runs its sends and receives as batched, asynchronous NCCL operations (one forward and one
 * backward transfer per micro-batch and chunk on the critical path, partly hidden), and its costs per instruction are
 * part of the fitted GEMM level. DeepSpeed's {@code PipelineEngine} executes a Python instruction list per micro-batch
 * (LoadMicroBatch, ForwardPass, SendActivation, RecvActivation, BackwardPass, SendGrad, RecvGrad) whose p2p calls
 * block both sides: a stage waits for its send of activations, its receive of gradients, its receive of activations
 * and its send of gradients (four transfers per micro-batch), and its activation checkpointing
 * ({@code deepspeed.checkpointing}) adds a fixed cost per checkpointed layer (DeepSpeed pipeline-parallelism and
 * activation-checkpointing documentation; the constants are fitted on the S6 rows).
 */
public final class FrameworkOverhead {

    private FrameworkOverhead() {}

    /**
     * Fixed seconds per micro-batch of a stage of {@code layers} layers, {@code moeLayers} of them MoE layers (forward
     * and backward together).
     */
    public static double stageMicroBatchSeconds(FrameworkCosts costs, Layout layout, int layers, int moeLayers) {
        double checkpointed = layout.recompute() == Recompute.FULL ? layers * costs.checkpointedLayerSeconds() : 0;
        double host = layout.expertParallelism().graphCaptured() ? 0 : moeLayers * costs.moeLayerHostSeconds();
        return costs.microBatchSeconds() + checkpointed + host;
    }

    /** Exposed p2p seconds per micro-batch and stage per second of one transfer, with {@code chunks} virtual stages. */
    public static double p2pExposedPerHopSecond(FrameworkCosts costs, int chunks, double gpuExposedFraction) {
        return costs.transfersPerChunk() * chunks * (costs.blockingP2p() ? 1.0 : gpuExposedFraction);
    }
}
