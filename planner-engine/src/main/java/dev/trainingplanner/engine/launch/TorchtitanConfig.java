package dev.trainingplanner.engine.launch;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.layout.ExpertParallelism;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.TokenDispatcher;
import dev.trainingplanner.costmodel.training.Precision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** torchtitan (FSDP2) job-config keys of a plan, dotted as {@code section.key}. */
final class TorchtitanConfig {

    private TorchtitanConfig() {}

    static Map<String, Object> of(LaunchInput input) {
        Layout l = input.layout();
        Map<String, Object> config = new LinkedHashMap<>();
        int shard;
        int replicate;
        if (l.zeroStage() == 0) {
            shard = 1;
            replicate = l.dp();
        } else if (l.partitionGroups().optimizerStatesGroupSize() > 0) {
            // HSDP: shard within the group, replicate across groups.
            shard = l.partitionGroups().optimizerStatesGroupSize();
            replicate = l.dp() / shard;
        } else {
            shard = l.dp();
            replicate = 1;
        }
        config.put("parallelism.data_parallel_shard_degree", shard);
        config.put("parallelism.data_parallel_replicate_degree", replicate);
        config.put("parallelism.tensor_parallel_degree", l.tp());
        config.put("parallelism.pipeline_parallel_degree", l.pp());
        config.put("parallelism.context_parallel_degree", l.cp());
        if (input.model().mixtureOfExperts().isPresent()) {
            putExperts(config, l);
        }
        if (!l.stageLayerCounts().isEmpty()) {
            config.put("parallelism.pipeline_parallel_split_points", splitPoints(l.stageLayerCounts()));
        }
        config.put("training.local_batch_size", input.globalBatchSequences() / l.dp());
        config.put("parallelism.pipeline_parallel_microbatch_size", input.microBatchSequences());
        config.put("training.seq_len", input.model().sequenceLength());
        // FSDP2's parameter dtype for compute; FP8 GEMMs come from torchao's float8 linear layers on top of bf16.
        config.put("training.mixed_precision_param", input.precision() == Precision.FP16 ? "float16" : "bfloat16");
        config.put("activation_checkpoint.mode", l.recompute().name().toLowerCase(Locale.ROOT));
        return config;
    }

    /**
     * torchtitan's expert parallelism ({@code parallelism.expert_parallel_degree} and
     * {@code expert_tensor_parallel_degree}, borrowing the dense layers' GPUs as Megatron-Core does). It dispatches by
     * all-to-all without overlap, so a plan with another dispatcher or overlap cannot be launched with it.
     */
    private static void putExperts(Map<String, Object> config, Layout l) {
        ExpertParallelism experts = l.expertParallelism();
        if (experts.dispatcher() != TokenDispatcher.ALLTOALL || experts.allToAllOverlap()) {
            throw new InvalidInputException("torchtitan dispatches MoE tokens by all-to-all without overlap; this plan "
                    + "uses the " + experts.dispatcher().externalName() + " dispatcher"
                    + (experts.allToAllOverlap() ? " with all-to-all overlap" : "")
                    + ": launch it with Megatron-LM");
        }
        if (experts.etp() != 1 && experts.etp() != l.tp()) {
            throw new InvalidInputException("torchtitan splits experts over the whole tensor-parallel group or not at "
                    + "all (expert_tensor_parallel_degree 1 or " + l.tp() + "), got etp " + experts.etp());
        }
        config.put("parallelism.expert_parallel_degree", experts.ep());
        config.put("parallelism.expert_tensor_parallel_degree", experts.etp());
    }

    /** torchtitan's split points: the first layer of every stage after the first, as module names. */
    private static List<String> splitPoints(List<Integer> stageLayerCounts) {
        List<String> points = new ArrayList<>();
        int layer = 0;
        for (int stage = 0; stage < stageLayerCounts.size() - 1; stage++) {
            layer += stageLayerCounts.get(stage);
            points.add("layers." + layer);
        }
        return points;
    }
}
