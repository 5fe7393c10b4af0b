package dev.trainingplanner.engine.launch;

import dev.trainingplanner.costmodel.layout.ExpertParallelism;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.model.MixtureOfExperts;
import dev.trainingplanner.costmodel.training.CollectiveBuckets;
import dev.trainingplanner.costmodel.training.Precision;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The DeepSpeed config JSON of a plan, with the keys of DeepSpeed's config reader ({@code deepspeed/runtime/config.py}
 * and {@code zero/config.py}); ZeRO++ keys as in cost-models.md §7.1 (qgZ needs {@code reduce_scatter}).
 */
public final class DeepSpeedConfig {

    private DeepSpeedConfig() {}

    static Map<String, Object> of(LaunchInput input) {
        Layout l = input.layout();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("train_batch_size", input.globalBatchSequences());
        config.put("train_micro_batch_size_per_gpu", input.microBatchSequences());
        config.put("gradient_accumulation_steps", input.gradientAccumulationSteps());
        // DeepSpeed has no FP8 block: FP8 GEMMs run through Transformer Engine inside bf16 training.
        config.put("bf16", Map.of("enabled", input.precision() != Precision.FP16));
        config.put("fp16", Map.of("enabled", input.precision() == Precision.FP16));
        Map<String, Object> zero = new LinkedHashMap<>();
        zero.put("stage", l.zeroStage());
        zero.put("reduce_scatter", true);
        zero.put("overlap_comm", l.zeroStage() == 3);
        zero.put("contiguous_gradients", true);
        // The buckets the prediction priced, one collective call each (cost-models CollectiveBuckets).
        CollectiveBuckets buckets = input.buckets();
        zero.put("reduce_bucket_size", (long) buckets.reduceBucketParameters());
        zero.put("allgather_bucket_size", (long) buckets.allGatherBucketParameters());
        if (l.zeroStage() == 3) {
            zero.put("stage3_prefetch_bucket_size", (long) buckets.gatherBucketParameters());
            zero.put("zero_hpz_partition_size", l.zeroPlusPlus().hpzGroupSize());
            zero.put("zero_quantized_weights", l.zeroPlusPlus().quantizedWeights());
            zero.put("zero_quantized_gradients", l.zeroPlusPlus().quantizedGradients());
            Integer mics = micsShardSize(l);
            if (mics != null) {
                zero.put("mics_shard_size", mics);
            }
        }
        config.put("zero_optimization", zero);
        if (l.recompute() == Recompute.FULL) {
            // DeepSpeed's activation checkpointing stores each checkpointed layer's input, split across the tensor-
            // parallel ranks when partitioned; it has no granularity, so selective recompute is the training code's
            // (see TrainingCodeChanges) or Megatron's --recompute-granularity selective.
            Map<String, Object> checkpointing = new LinkedHashMap<>();
            checkpointing.put("partition_activations", l.tp() > 1);
            checkpointing.put("contiguous_memory_optimization", false);
            config.put("activation_checkpointing", checkpointing);
        }
        // Not read by DeepSpeed (the training script builds its pipeline and tensor groups); kept for launch scripts.
        config.put("pipeline_stages", l.pp());
        config.put("tensor_model_parallel_size", l.tp());
        MixtureOfExperts moe = input.model().mixtureOfExperts();
        if (moe.isPresent()) {
            // Not read by DeepSpeed either: DeepSpeed-MoE's degrees are arguments of the model code's
            // deepspeed.moe.layer.MoE(...) (TrainingCodeChanges says how); kept here for that code to read.
            config.put("moe", moeArguments(input));
        }
        return config;
    }

    /**
     * The keyword arguments of {@code deepspeed.moe.layer.MoE} for the plan ({@code deepspeed/moe/layer.py}): expert
     * groups of {@code ep_size} carved from the data-parallel ranks, experts split over the tensor-parallel group when
     * etp &gt; 1, and token dropping only with a capacity factor (dropless otherwise).
     */
    static Map<String, Object> moeArguments(LaunchInput input) {
        MixtureOfExperts moe = input.model().mixtureOfExperts();
        ExpertParallelism experts = input.layout().expertParallelism();
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("num_experts", moe.routedExperts());
        arguments.put("ep_size", experts.ep());
        arguments.put("k", moe.topK());
        arguments.put("enable_expert_tensor_parallelism", experts.etp() > 1);
        arguments.put("drop_tokens", experts.routing().dropsTokens());
        if (experts.routing().dropsTokens()) {
            arguments.put("capacity_factor", experts.routing().capacityFactor());
        }
        return arguments;
    }

    /**
     * DeepSpeed MiCS shard group: with ZeRO-3 and partition groups, states are sharded within groups of this size and
     * replicated across them; null without.
     */
    public static Integer micsShardSize(Layout layout) {
        int group = layout.partitionGroups().optimizerStatesGroupSize();
        return layout.zeroStage() == 3 && group > 0 ? group : null;
    }
}
