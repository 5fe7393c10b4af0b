package dev.trainingplanner.engine.output;

import dev.trainingplanner.costmodel.layout.GradientCoding;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.engine.plan.PlanRequest;
import dev.trainingplanner.engine.plan.PlannedLayout;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The framework settings, rank order and training-code changes that launch a plan. */
final class LaunchSettings {

    private LaunchSettings() {}

    static PlanDocument.Launch of(PlanRequest request, PlannedLayout planned, ProfiledCluster cluster) {
        Placement placement = planned.estimate().placement();
        List<String> nodes = new ArrayList<>();
        List<List<Integer>> gpus = new ArrayList<>();
        for (int slot = 0; slot < placement.nodesUsed(); slot++) {
            int node = placement.nodeAt(slot);
            nodes.add(cluster.nodeName(node));
            List<Integer> order = new ArrayList<>();
            for (int local = 0; local < placement.gpusPerNodeUsed(); local++) {
                order.add(cluster.profileGpuIndex(node, placement.gpuAt(slot, local)));
            }
            gpus.add(order);
        }
        Map<String, Object> arguments =
                switch (request.framework()) {
                    case MEGATRON -> megatron(request, planned);
                    case DEEPSPEED -> deepspeed(request, planned);
                    case FSDP -> torchtitan(request, planned);
                };
        return new PlanDocument.Launch(nodes, gpus, arguments, trainingCodeChanges(planned.layout()));
    }

    private static Map<String, Object> megatron(PlanRequest request, PlannedLayout planned) {
        Layout l = planned.layout();
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("--tensor-model-parallel-size", l.tp());
        args.put("--pipeline-model-parallel-size", l.pp());
        args.put("--context-parallel-size", l.cp());
        if (l.virtualStages() > 1) {
            args.put(
                    "--num-layers-per-virtual-pipeline-stage", request.model().layers() / (l.pp() * l.virtualStages()));
        }
        if (!l.stageLayerCounts().isEmpty()) {
            // Megatron-Core splits the remaining layers evenly over the middle stages, as the planner's splits do.
            args.put("--decoder-first-pipeline-num-layers", l.stageLayerCounts().get(0));
            args.put(
                    "--decoder-last-pipeline-num-layers",
                    l.stageLayerCounts().get(l.stageLayerCounts().size() - 1));
        }
        if (l.sequenceParallel()) {
            args.put("--sequence-parallel", true);
        }
        if (l.zeroStage() >= 1) {
            args.put("--use-distributed-optimizer", true);
        }
        recompute(args, l.recompute());
        args.put("--micro-batch-size", planned.microBatchSequences());
        args.put("--global-batch-size", request.globalBatchSequences());
        args.put("--seq-length", request.model().sequenceLength());
        return args;
    }

    private static void recompute(Map<String, Object> args, Recompute recompute) {
        if (recompute == Recompute.SELECTIVE) {
            args.put("--recompute-granularity", "selective");
        } else if (recompute == Recompute.FULL) {
            args.put("--recompute-granularity", "full");
            args.put("--recompute-method", "uniform");
            args.put("--recompute-num-layers", 1);
        }
    }

    private static Map<String, Object> deepspeed(PlanRequest request, PlannedLayout planned) {
        Layout l = planned.layout();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("train_batch_size", request.globalBatchSequences());
        config.put("train_micro_batch_size_per_gpu", planned.microBatchSequences());
        config.put(
                "gradient_accumulation_steps",
                request.globalBatchSequences() / (planned.microBatchSequences() * l.dp()));
        Map<String, Object> zero = new LinkedHashMap<>();
        zero.put("stage", l.zeroStage());
        if (l.zeroPlusPlus().quantizedWeights()) {
            zero.put("zero_quantized_weights", true);
        }
        if (l.zeroPlusPlus().hpzGroupSize() > 1) {
            zero.put("zero_hpz_partition_size", l.zeroPlusPlus().hpzGroupSize());
        }
        if (l.zeroPlusPlus().quantizedGradients()) {
            zero.put("zero_quantized_gradients", true);
        }
        if (l.zeroStage() == 3 && l.partitionGroups().optimizerStatesGroupSize() > 0) {
            zero.put("mics_shard_size", l.partitionGroups().optimizerStatesGroupSize());
        }
        config.put("zero_optimization", zero);
        config.put("bf16", Map.of("enabled", true));
        if (l.recompute() != Recompute.NONE) {
            config.put(
                    "activation_checkpointing",
                    Map.of("partition_activations", l.tp() > 1, "contiguous_memory_optimization", false));
        }
        config.put("pipeline_stages", l.pp());
        config.put("tensor_model_parallel_size", l.tp());
        return config;
    }

    private static Map<String, Object> torchtitan(PlanRequest request, PlannedLayout planned) {
        Layout l = planned.layout();
        Map<String, Object> config = new LinkedHashMap<>();
        int shard;
        int replicate;
        if (l.zeroStage() == 0) {
            shard = 1;
            replicate = l.dp();
        } else if (l.partitionGroups().optimizerStatesGroupSize() > 0) {
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
        if (!l.stageLayerCounts().isEmpty()) {
            config.put("parallelism.pipeline_parallel_split_points", splitPoints(l.stageLayerCounts()));
        }
        config.put("training.local_batch_size", request.globalBatchSequences() / l.dp());
        config.put("parallelism.pipeline_parallel_microbatch_size", planned.microBatchSequences());
        config.put("training.seq_len", request.model().sequenceLength());
        config.put("activation_checkpoint.mode", l.recompute().name().toLowerCase(Locale.ROOT));
        return config;
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

    private static List<String> trainingCodeChanges(Layout layout) {
        List<String> changes = new ArrayList<>();
        GradientCoding coding = layout.gradientCoding();
        if (coding.isSequential()) {
            changes.add(String.format(
                    Locale.ROOT,
                    "sequential gradient coding %s with %s over the %d data-parallel workers (Krishnan et al., ICLR "
                            + "2023): treat the micro-batch gradients of one step as consecutive jobs, give each worker "
                            + "the scheme's coded and repeated tasks per round, decode job t by round t+%d and flush "
                            + "the last %d rounds before the optimizer step; the reduction must complete without the "
                            + "stragglers (sub-communicator after a timeout, or a parameter-server gather)",
                    coding.scheme().name().toLowerCase(Locale.ROOT),
                    coding.parameters(),
                    layout.dp(),
                    coding.delayRounds(),
                    coding.delayRounds()));
        } else if (!coding.isNone()) {
            changes.add(String.format(
                    Locale.ROOT,
                    "gradient coding %s with s=%d over the %d data-parallel workers: give each worker s+1 = %d data "
                            + "partitions following the encoding matrix (Tandon et al. 2017), send the encoded "
                            + "gradient, and replace the all-reduce with a reduction that completes after n-s "
                            + "responders (sub-communicator after a timeout, or a parameter-server gather), decoding "
                            + "with the responders' decoding vector",
                    coding.scheme().name().toLowerCase(Locale.ROOT),
                    coding.stragglersTolerated(),
                    layout.dp(),
                    coding.stragglersTolerated() + 1));
        }
        if (!layout.ladderLayers().isEmpty()) {
            changes.add("Ladder Residual on layers " + layout.ladderLayers() + ": in those layers module j+1 reads "
                    + "the residual stream without module j's output, whose tensor-parallel all-reduce runs "
                    + "asynchronously and is added one module later (Zhang et al., ICML 2025; dolomite-engine "
                    + "ladder_residual_TP). This changes the model: train from scratch or retrain after conversion");
        }
        return changes;
    }
}
