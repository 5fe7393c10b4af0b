package dev.trainingplanner.costmodel.training;

import static dev.trainingplanner.costmodel.InvalidInputException.require;

/**
 * How a framework cuts a stage's parameter and gradient traffic into collective calls, in parameters per call. Each
 * call pays its NCCL latency steps, so smaller buckets mean more calls and never less time.
 *
 * <ul>
 *   <li>DeepSpeed ({@code zero/config.py} defaults): ZeRO-3 gathers parameters in buckets of {@code
 *       stage3_prefetch_bucket_size} = 5e7 and reduces gradients in buckets of {@code reduce_bucket_size} = 5e8; ZeRO
 *       1/2 all-gather the updated parameters in buckets of {@code allgather_bucket_size} = 5e8 (stage 3 does not read
 *       it).
 *   <li>Megatron-LM's {@code DistributedDataParallel}: gradient buckets of {@code --ddp-bucket-size}, by default
 *       max(4e7, 1e6 · data-parallel size); the distributed optimizer all-gathers parameters in the same buckets.
 *   <li>FSDP2 / torchtitan: one all-gather and one reduce-scatter per wrapped block (one transformer layer): buckets
 *       without a size limit, cut at every block.
 * </ul>
 *
 * @param gatherBucketParameters parameters per ZeRO-3 / FSDP all-gather call (a call never spans two layers)
 * @param reduceBucketParameters gradients per reduction call (reduce-scatter, or all-reduce without sharding)
 * @param allGatherBucketParameters parameters per all-gather of updated parameters after the step (ZeRO 1/2)
 * @param cutAtBlocks whether every wrapped block (layer) is a call of its own (FSDP), whatever the sizes
 */
public record CollectiveBuckets(
        double gatherBucketParameters,
        double reduceBucketParameters,
        double allGatherBucketParameters,
        boolean cutAtBlocks) {

    /** DeepSpeed's {@code stage3_prefetch_bucket_size} default. */
    public static final double DEEPSPEED_PREFETCH_BUCKET = 5e7;
    /** DeepSpeed's {@code reduce_bucket_size} default. */
    public static final double DEEPSPEED_REDUCE_BUCKET = 5e8;
    /** DeepSpeed's {@code allgather_bucket_size} default. */
    public static final double DEEPSPEED_ALLGATHER_BUCKET = 5e8;
    /** Megatron-Core's smallest default gradient bucket ({@code distributed_data_parallel.py}). */
    public static final double MEGATRON_MIN_BUCKET = 4e7;
    /** Megatron-Core's default bucket grows by this many parameters per data-parallel rank. */
    public static final double MEGATRON_BUCKET_PER_RANK = 1e6;

    public CollectiveBuckets {
        require(gatherBucketParameters >= 1, "gather bucket must hold at least one parameter");
        require(reduceBucketParameters >= 1, "reduce bucket must hold at least one parameter");
        require(allGatherBucketParameters >= 1, "all-gather bucket must hold at least one parameter");
    }

    /** The buckets {@code framework} uses by default on a data-parallel group of {@code dataParallelSize} ranks. */
    public static CollectiveBuckets defaults(Framework framework, int dataParallelSize) {
        return switch (framework) {
            case DEEPSPEED -> new CollectiveBuckets(
                    DEEPSPEED_PREFETCH_BUCKET, DEEPSPEED_REDUCE_BUCKET, DEEPSPEED_ALLGATHER_BUCKET, false);
            case MEGATRON -> {
                double bucket = Math.max(MEGATRON_MIN_BUCKET, MEGATRON_BUCKET_PER_RANK * dataParallelSize);
                yield new CollectiveBuckets(bucket, bucket, bucket, false);
            }
            case FSDP -> new CollectiveBuckets(
                    Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, true);
        };
    }

    /** All-gather calls for one layer of {@code layerParameters}: whole buckets, never spanning layers. */
    public double gatherCallsPerLayer(double layerParameters) {
        return Math.max(1, Math.ceil(layerParameters / gatherBucketParameters));
    }

    /** Gradient-reduction calls for a stage of {@code layers} layers and {@code stageParameters} parameters. */
    public double reduceCalls(int layers, double stageParameters) {
        return calls(layers, stageParameters, reduceBucketParameters);
    }

    /** All-gather calls of the updated parameters after the step (ZeRO 1/2, Megatron's distributed optimizer). */
    public double allGatherCalls(int layers, double stageParameters) {
        return calls(layers, stageParameters, allGatherBucketParameters);
    }

    private double calls(int layers, double stageParameters, double bucket) {
        double byBucket = Math.max(1, Math.ceil(stageParameters / bucket));
        return cutAtBlocks ? Math.max(layers, byBucket) : byBucket;
    }
}
