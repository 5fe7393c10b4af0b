package dev.trainingplanner.api.artifact;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainingplanner.api.planning.LaunchPlan;
import dev.trainingplanner.costmodel.model.MlpKind;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.model.NormKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Launch artifacts derived from one {@link LaunchPlan} only, so they agree with the plan by construction. The rank
 * order is Megatron-LM's default (tensor fastest, then context, data, pipeline), which is the order the cost model
 * numbers ranks in; torchrun gives global rank {@code nodeRank·g + localRank}, and local rank i uses the i-th device of
 * {@code CUDA_VISIBLE_DEVICES}.
 */
public final class LaunchArtifacts {

    /** Port the rank-0 node listens on in the generated torchrun commands. */
    static final int MASTER_PORT = 29500;

    private final ObjectMapper json;

    public LaunchArtifacts(ObjectMapper json) {
        this.json = json;
    }

    /** One node of the launch: its torchrun node rank and, per local rank, the GPU index. */
    record NodeLaunch(String node, int nodeRank, List<Integer> globalRanks, List<Integer> gpus) {}

    static List<NodeLaunch> nodes(LaunchPlan plan) {
        Map<String, NodeLaunch> byNode = new LinkedHashMap<>();
        for (LaunchPlan.RankPlacement rank : plan.ranks()) {
            NodeLaunch node = byNode.computeIfAbsent(
                    rank.node(), name -> new NodeLaunch(name, byNode.size(), new ArrayList<>(), new ArrayList<>()));
            node.globalRanks().add(rank.rank());
            node.gpus().add(rank.gpu());
        }
        List<NodeLaunch> nodes = List.copyOf(byNode.values());
        int g = nodes.get(0).gpus().size();
        for (NodeLaunch node : nodes) {
            for (int local = 0; local < node.globalRanks().size(); local++) {
                if (node.globalRanks().size() != g || node.globalRanks().get(local) != node.nodeRank() * g + local) {
                    throw new IllegalStateException("the plan's ranks are not in consecutive blocks of " + g
                            + " per node, which torchrun cannot launch");
                }
            }
        }
        return nodes;
    }

    /** Megatron-LM {@code pretrain_gpt.py} arguments, one per line. */
    public String megatronArguments(LaunchPlan plan, ModelSpec model) {
        List<String> args = new ArrayList<>();
        args.add("--tensor-model-parallel-size " + plan.tensorParallel());
        args.add("--pipeline-model-parallel-size " + plan.pipelineParallel());
        args.add("--context-parallel-size " + plan.contextParallel());
        if (plan.virtualPipelineStages() > 1) {
            args.add("--num-layers-per-virtual-pipeline-stage "
                    + model.layers() / (plan.pipelineParallel() * plan.virtualPipelineStages()));
        }
        if (plan.unevenStages()) {
            // Megatron-Core splits the remaining layers evenly over the middle stages, as the planned split does.
            List<Integer> split = plan.stageLayerCounts();
            args.add("--decoder-first-pipeline-num-layers " + split.get(0));
            args.add("--decoder-last-pipeline-num-layers " + split.get(split.size() - 1));
        }
        if (plan.sequenceParallel()) {
            args.add("--sequence-parallel");
        }
        args.add("--micro-batch-size " + plan.microBatchSequences());
        args.add("--global-batch-size " + plan.globalBatchSequences());
        switch (plan.precision()) {
            case "fp16" -> args.add("--fp16");
            case "fp8" -> {
                args.add("--bf16");
                args.add("--fp8-format hybrid");
            }
            default -> args.add("--bf16");
        }
        if (plan.zeroStage() >= 1) {
            args.add("--use-distributed-optimizer");
        }
        switch (plan.recompute()) {
            case "selective" -> args.add("--recompute-granularity selective");
            case "full" -> {
                args.add("--recompute-granularity full");
                args.add("--recompute-method uniform");
                args.add("--recompute-num-layers 1");
            }
            default -> {}
        }
        args.add("--num-layers " + model.layers());
        args.add("--hidden-size " + model.hiddenSize());
        args.add("--ffn-hidden-size " + model.ffnHiddenSize());
        args.add("--num-attention-heads " + model.attentionHeads());
        if (model.kvHeads() != model.attentionHeads()) {
            args.add("--group-query-attention");
            args.add("--num-query-groups " + model.kvHeads());
        }
        args.add("--seq-length " + model.sequenceLength());
        args.add("--max-position-embeddings " + model.sequenceLength());
        if (model.mlp() == MlpKind.SWIGLU) {
            args.add("--swiglu");
        }
        if (!model.tiedEmbeddings()) {
            args.add("--untie-embeddings-and-output-weights");
        }
        args.add("--normalization " + (model.norm() == NormKind.RMS_NORM ? "RMSNorm" : "LayerNorm"));
        if (model.flashAttention()) {
            args.add("--use-flash-attn");
        }
        return String.join(" \\\n", args) + "\n";
    }

    /** DeepSpeed config JSON; ZeRO++ keys as in cost-models.md §7.1 (qgZ needs reduce_scatter true). */
    public ObjectNode deepSpeedConfig(LaunchPlan plan) {
        ObjectNode config = json.createObjectNode();
        config.put("train_batch_size", plan.globalBatchSequences());
        config.put("train_micro_batch_size_per_gpu", plan.microBatchSequences());
        config.put("gradient_accumulation_steps", plan.gradientAccumulationSteps());
        config.putObject("bf16").put("enabled", !plan.precision().equals("fp16"));
        config.putObject("fp16").put("enabled", plan.precision().equals("fp16"));
        ObjectNode zero = config.putObject("zero_optimization");
        zero.put("stage", plan.zeroStage());
        zero.put("reduce_scatter", true);
        zero.put("overlap_comm", plan.zeroStage() == 3);
        zero.put("contiguous_gradients", true);
        if (plan.zeroStage() == 3) {
            zero.put("zero_hpz_partition_size", plan.hpzPartitionSize());
            zero.put("zero_quantized_weights", plan.quantizedWeights());
            zero.put("zero_quantized_gradients", plan.quantizedGradients());
            if (plan.micsShardSize() != null) {
                zero.put("mics_shard_size", plan.micsShardSize());
            }
        }
        if (plan.recompute().equals("full")) {
            config.putObject("activation_checkpointing")
                    .put("partition_activations", plan.tensorParallel() > 1)
                    .put("contiguous_memory_optimization", false);
        }
        return config;
    }

    /** DeepSpeed/MPI hostfile: one line per node in node-rank order. */
    public String hostfile(LaunchPlan plan) {
        return nodes(plan).stream()
                        .map(node -> node.node() + " slots=" + node.gpus().size())
                        .collect(Collectors.joining("\n"))
                + "\n";
    }

    /** Per node: torchrun node rank, CUDA_VISIBLE_DEVICES in local-rank order, global ranks and the command line. */
    public ObjectNode rankMap(LaunchPlan plan) {
        List<NodeLaunch> nodes = nodes(plan);
        int g = nodes.get(0).gpus().size();
        ObjectNode map = json.createObjectNode();
        map.put("worldSize", plan.ranks().size());
        map.put("nnodes", nodes.size());
        map.put("nprocPerNode", g);
        map.put("masterAddr", nodes.get(0).node());
        map.put("masterPort", MASTER_PORT);
        ArrayNode list = map.putArray("nodes");
        for (NodeLaunch node : nodes) {
            String devices = node.gpus().stream().map(String::valueOf).collect(Collectors.joining(","));
            ObjectNode entry = list.addObject();
            entry.put("node", node.node());
            entry.put("nodeRank", node.nodeRank());
            entry.put("CUDA_VISIBLE_DEVICES", devices);
            ArrayNode ranks = entry.putArray("globalRanks");
            node.globalRanks().forEach(ranks::add);
            entry.put(
                    "command",
                    "CUDA_VISIBLE_DEVICES=" + devices + " torchrun --nnodes=" + nodes.size() + " --nproc-per-node=" + g
                            + " --node-rank=" + node.nodeRank() + " --master-addr="
                            + nodes.get(0).node()
                            + " --master-port=" + MASTER_PORT + " <training script>");
        }
        return map;
    }
}
