package dev.trainingplanner.costmodel.estimate;

/**
 * Memory of every rank of one pipeline stage (identical across the stage's TP/CP/DP ranks), in bytes.
 *
 * @param stage pipeline stage
 * @param layers transformer layers on the stage
 * @param weightsBytes 16-bit weights, including gathered (ZeRO-3) and secondary (hpZ) copies
 * @param gradientsBytes gradients
 * @param optimizerStatesBytes fp32 master weights and Adam moments
 * @param activationsBytes stored activations at the peak plus transient buffers
 * @param microBatchesInFlight micro-batches whose activations are held at the peak
 * @param communicationBuffersBytes NCCL buffers and the framework's bucket buffers
 * @param runtimeOverheadBytes CUDA context and caching-allocator reserve
 * @param moeLayers layers of the stage with an MoE block (0 on a dense model, and on stages of leading dense layers)
 * @param expertStatesBytes the routed experts' share of the weights, gradients and optimizer states (included in
 *     those three)
 */
public record StageMemory(
        int stage,
        int layers,
        double weightsBytes,
        double gradientsBytes,
        double optimizerStatesBytes,
        double activationsBytes,
        int microBatchesInFlight,
        double communicationBuffersBytes,
        double runtimeOverheadBytes,
        int moeLayers,
        double expertStatesBytes) {

    /**
     * This stage's memory with every byte term multiplied by {@code factor}: a cluster's fitted memory overhead
     * (package {@code correction}), measured on the total that the GPU reports and spread over the terms alike.
     */
    public StageMemory scaled(double factor) {
        return new StageMemory(
                stage,
                layers,
                weightsBytes * factor,
                gradientsBytes * factor,
                optimizerStatesBytes * factor,
                activationsBytes * factor,
                microBatchesInFlight,
                communicationBuffersBytes * factor,
                runtimeOverheadBytes * factor,
                moeLayers,
                expertStatesBytes * factor);
    }

    public double totalBytes() {
        return weightsBytes
                + gradientsBytes
                + optimizerStatesBytes
                + activationsBytes
                + communicationBuffersBytes
                + runtimeOverheadBytes;
    }
}
