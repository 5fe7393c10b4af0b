package dev.trainingplanner.costmodel.estimate;

/**
 * Device memory of one rank at its peak, in bytes, as {@code nvidia-smi} would show it.
 *
 * @param rank global rank
 * @param node cluster node it runs on
 * @param localGpu GPU index on that node
 * @param stage pipeline stage
 * @param weightsBytes 16-bit weights (own shard plus gathered/secondary copies)
 * @param gradientsBytes gradients
 * @param optimizerStatesBytes fp32 master weights and Adam moments
 * @param activationsBytes stored activations of all micro-batches in flight plus transient peaks
 * @param microBatchesInFlight micro-batches whose activations the stage holds at its peak
 * @param communicationBuffersBytes gradient buckets, all-gather buffers, NCCL buffers
 * @param runtimeOverheadBytes CUDA context, workspaces and caching-allocator reserve
 * @param totalBytes the sum
 * @param capacityBytes usable memory of the GPU
 * @param expertStatesBytes the routed experts' share of weights, gradients and optimizer states (included in those)
 */
public record RankMemory(
        int rank,
        int node,
        int localGpu,
        int stage,
        double weightsBytes,
        double gradientsBytes,
        double optimizerStatesBytes,
        double activationsBytes,
        int microBatchesInFlight,
        double communicationBuffersBytes,
        double runtimeOverheadBytes,
        double totalBytes,
        double capacityBytes,
        double expertStatesBytes) {

    /** Whether the total stays within capacity × (1 − headroomFraction). */
    public boolean fits(double headroomFraction) {
        return totalBytes <= capacityBytes * (1 - headroomFraction);
    }
}
