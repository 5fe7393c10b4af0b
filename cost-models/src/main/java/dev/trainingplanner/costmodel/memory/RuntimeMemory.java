package dev.trainingplanner.costmodel.memory;

import dev.trainingplanner.costmodel.calibration.GpuEfficiency;
import dev.trainingplanner.costmodel.training.CollectiveBuckets;
import dev.trainingplanner.costmodel.training.Framework;

/**
 * Memory a rank needs beyond its tensors (cost-models.md §2.5 runtime overheads, calibrated per GPU type in
 * {@link GpuEfficiency}): NCCL buffers per communicator the rank belongs to, the framework's bucket buffers, the CUDA
 * context, and the caching allocator's reserve as a fraction of all tensor memory.
 */
public final class RuntimeMemory {

    /** Communicators a rank joins for pipeline parallelism: Megatron's pipeline, embedding and position-embedding groups. */
    public static final int PIPELINE_COMMUNICATORS = 3;

    private RuntimeMemory() {}

    /** Communicators of one rank: TP, CP, pipeline and data-parallel (over {@code shards} = dp·cp) where used. */
    public static int communicators(int tp, int cp, int pp, int shards) {
        return (tp > 1 ? 1 : 0) + (cp > 1 ? 1 : 0) + (pp > 1 ? PIPELINE_COMMUNICATORS : 0) + (shards > 1 ? 1 : 0);
    }

    /**
     * Communicators a rank joins for the MoE layers of a mixture-of-experts model: Megatron-Core builds expert-parallel,
     * expert-tensor-parallel and expert-data-parallel groups of their own beside the dense ones (Megatron Core MoE
     * README, "Parallel Folding"; {@code parallel_state.py}), each where its size is above 1.
     */
    public static int expertCommunicators(int ep, int etp, int expertDataParallel) {
        return (ep > 1 ? 1 : 0) + (etp > 1 ? 1 : 0) + (expertDataParallel > 1 ? 1 : 0);
    }

    /** NCCL buffers of {@code communicators} communicators. */
    public static double communicationBufferBytes(int communicators, GpuEfficiency efficiency) {
        return communicators * efficiency.ncclBytesPerCommunicator();
    }

    /**
     * Bucket buffers of the framework's gradient reduction: DeepSpeed copies gradients into a contiguous buffer of
     * {@code reduce_bucket_size} 16-bit elements ({@code contiguous_gradients}, stage 1-3; stage 0 flattens each
     * all-reduce bucket the same way), at most the stage's parameters. Megatron's buckets are views of its contiguous
     * gradient buffer and FSDP's per-block buffers are the gathered units of the model states: no extra memory.
     */
    public static double bucketBufferBytes(Framework framework, CollectiveBuckets buckets, double stageParameters) {
        if (framework != Framework.DEEPSPEED) {
            return 0;
        }
        return Math.min(buckets.reduceBucketParameters(), stageParameters) * ModelStateBytes.GRADIENT_BYTES;
    }

    /** CUDA context plus the allocator reserve on {@code tensorBytes} of tensors. */
    public static double overheadBytes(double tensorBytes, GpuEfficiency efficiency) {
        return efficiency.contextBytes() + efficiency.allocatorReserveFraction() * tensorBytes;
    }
}
