package dev.trainingplanner.engine.layout;

import dev.trainingplanner.costmodel.layout.ExpertParallelism;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.PartitionGroups;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.layout.ZeroPlusPlus;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.engine.plan.SearchOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Enumerates the launchable layouts for a framework, skipping the combinations that fail cheap divisibility rules
 * (heads by TP, layers by PP·VPP, global batch by DP·micro-batch, sequence by CP). Memory, links and the remaining
 * rules are judged by the cost model afterwards.
 *
 * <p>Framework rules (issue 4): Megatron-LM has TP, PP, CP, DP, interleaving, SP and the distributed optimizer
 * (ZeRO-1); DeepSpeed has ZeRO 0-3 and ZeRO++, with pipeline parallelism only ZeRO 0-1, and no interleaving; FSDP2
 * (torchtitan) has full or hybrid sharding (ZeRO-3 over the whole data-parallel group or within a node) with TP, PP
 * and CP. For mixture-of-experts models every layout comes with each expert-parallel degree the framework accepts
 * ({@link ExpertLayouts}).
 */
public final class LayoutSpace {

    /** Sequence parallelism and context parallelism below this many tokens per rank only add communication. */
    private static final int MIN_TOKENS_PER_CONTEXT_RANK = 2048;

    private static final int MAX_TENSOR_PARALLEL = 64;
    private static final int MAX_CONTEXT_PARALLEL = 8;

    /** One enumerated layout with its micro-batch size. */
    public record Option(Layout layout, int microBatchSequences) {}

    private LayoutSpace() {}

    public static List<Option> enumerate(
            ModelSpec model,
            int globalBatch,
            int gpus,
            int gpusPerNodeUsed,
            int nvlinkIslandGpus,
            Framework framework,
            SearchOptions options) {
        List<Option> result = new ArrayList<>();
        // A TP group stays on NVLink: inside a node, or across the trays of an NVLink domain (GB200/GB300 NVL72),
        // unless
        // the options allow it to cross the network.
        int maxTp = options.tensorParallelAcrossNodes()
                ? MAX_TENSOR_PARALLEL
                : Math.min(MAX_TENSOR_PARALLEL, nvlinkIslandGpus);
        for (int tp = 1; tp <= Math.min(maxTp, gpus); tp *= 2) {
            if (gpus % tp != 0 || model.attentionHeads() % tp != 0) {
                continue;
            }
            for (int cp = 1; cp <= MAX_CONTEXT_PARALLEL && tp * cp <= gpus; cp *= 2) {
                if (gpus % (tp * cp) != 0
                        || model.sequenceLength() % cp != 0
                        || (cp > 1 && model.sequenceLength() / cp < MIN_TOKENS_PER_CONTEXT_RANK)) {
                    continue;
                }
                int rest = gpus / (tp * cp);
                for (int pp = 1; pp <= Math.min(rest, model.layers()); pp++) {
                    if (rest % pp != 0) {
                        continue;
                    }
                    int dp = rest / pp;
                    if (globalBatch % dp != 0) {
                        continue;
                    }
                    addForDegrees(result, model, globalBatch, framework, options, tp, cp, pp, dp, gpusPerNodeUsed);
                }
            }
        }
        return result;
    }

    private static void addForDegrees(
            List<Option> result,
            ModelSpec model,
            int globalBatch,
            Framework framework,
            SearchOptions options,
            int tp,
            int cp,
            int pp,
            int dp,
            int gpusPerNodeUsed) {
        int perReplica = globalBatch / dp;
        List<StageSplit> splits = stageSplits(model.layers(), pp, framework);
        if (splits.isEmpty()) {
            return;
        }
        List<ExpertParallelism> expertDegrees = ExpertLayouts.degrees(model, framework, tp, cp, dp).stream()
                .filter(e -> options.expertParallelSizes().isEmpty()
                        || !model.mixtureOfExperts().isPresent()
                        || options.expertParallelSizes().contains(e.ep()))
                .toList();
        for (int mb = Math.max(1, options.minMicroBatch()); mb <= options.maxMicroBatch(); mb *= 2) {
            if (perReplica % mb != 0) {
                continue;
            }
            int microBatches = perReplica / mb;
            for (StageSplit split : splits) {
                int v = split.virtualStages();
                // Megatron's interleaved schedule needs the micro-batch count to be a multiple of PP.
                if (v > 1 && microBatches % pp != 0) {
                    continue;
                }
                for (Recompute recompute : Recompute.values()) {
                    for (Layout.Builder sharding : shardings(framework, options, pp, dp, gpusPerNodeUsed)) {
                        for (ExpertParallelism experts : expertDegrees) {
                            Layout layout = sharding.tp(tp)
                                    .cp(cp)
                                    .pp(pp)
                                    .dp(dp)
                                    .virtualStages(v)
                                    .stageLayerCounts(split.stageLayerCounts())
                                    .sequenceParallel(tp > 1 && framework != Framework.DEEPSPEED)
                                    .recompute(recompute)
                                    .expertParallelism(experts)
                                    .build();
                            if (ExpertLayouts.zeroStageAllowed(model, framework, layout.zeroStage())) {
                                result.add(new Option(layout, mb));
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The token-dispatcher and overlap variants ({@link ExpertLayouts#communication}) of screened MoE layouts, for a
     * second screening round: they change only the communication, so only the layouts that screened best with the
     * all-to-all dispatcher get them. Empty for dense models.
     */
    public static List<Option> communicationVariants(List<LayoutCandidate> screened, Framework framework) {
        List<Option> result = new ArrayList<>();
        for (LayoutCandidate candidate : screened) {
            for (ExpertParallelism variant : ExpertLayouts.communication(candidate.layout(), framework)) {
                result.add(new Option(
                        candidate.layout().toBuilder()
                                .expertParallelism(variant)
                                .build(),
                        candidate.microBatchSequences()));
            }
        }
        return result;
    }

    /** Model chunks per pipeline rank with the stage split that goes with them (empty = layers / pp on each). */
    private record StageSplit(int virtualStages, List<Integer> stageLayerCounts) {}

    /**
     * Every pipeline depth is a candidate, not only divisors of the layer count: where pp·v does not divide the layers,
     * Megatron and FSDP (torchtitan split points) run {@link StageSplits#lighterEnds} (cost-models.md §5.1 generalised
     * to uneven stages). Interleaving (v = 2, 4) is Megatron's and needs every stage's count to be a multiple of v.
     * DeepSpeed's pipeline partitions by its own {@code partition_method}, so it keeps divisors of the layer count.
     */
    private static List<StageSplit> stageSplits(int layers, int pp, Framework framework) {
        List<StageSplit> splits = new ArrayList<>();
        int maxChunks = framework == Framework.MEGATRON && pp > 1 ? 4 : 1;
        for (int v = 1; v <= maxChunks; v *= 2) {
            if (layers % (pp * v) == 0) {
                splits.add(new StageSplit(v, List.of()));
            } else if (framework != Framework.DEEPSPEED) {
                List<Integer> uneven = StageSplits.lighterEnds(layers, pp, v);
                if (!uneven.isEmpty()) {
                    splits.add(new StageSplit(v, uneven));
                }
            }
        }
        return splits;
    }

    /** The ZeRO / sharding variants the framework can launch, as builders with only those knobs set. */
    private static List<Layout.Builder> shardings(
            Framework framework, SearchOptions options, int pp, int dp, int gpusPerNodeUsed) {
        List<Layout.Builder> variants = new ArrayList<>();
        switch (framework) {
            case MEGATRON -> {
                for (int stage : List.of(0, 1)) {
                    if (options.zeroStages().contains(stage) && (stage == 0 || dp > 1)) {
                        variants.add(Layout.builder().zeroStage(stage));
                    }
                }
            }
            case DEEPSPEED -> {
                for (int stage = 0; stage <= 3; stage++) {
                    if (!options.zeroStages().contains(stage) || (pp > 1 && stage > 1) || (stage > 0 && dp == 1)) {
                        continue;
                    }
                    variants.add(Layout.builder().zeroStage(stage));
                    if (stage == 3 && options.allowZeroPlusPlus() && dp > gpusPerNodeUsed) {
                        // ZeRO++ with the secondary partition inside a node (hpZ) and quantized collectives.
                        variants.add(Layout.builder()
                                .zeroStage(3)
                                .zeroPlusPlus(new ZeroPlusPlus(true, gpusPerNodeUsed, true)));
                        variants.add(Layout.builder()
                                .zeroStage(3)
                                .zeroPlusPlus(new ZeroPlusPlus(false, gpusPerNodeUsed, false)));
                    }
                    if (stage == 3 && dp > gpusPerNodeUsed && dp % gpusPerNodeUsed == 0) {
                        // MiCS (mics_shard_size = g): every state sharded within a node, replicated across nodes;
                        // the node and world tiers of cost-models.md §7.4 / §7.5.
                        int group = gpusPerNodeUsed;
                        variants.add(Layout.builder()
                                .zeroStage(3)
                                .partitionGroups(new PartitionGroups(group, group, group)));
                    }
                }
            }
            case FSDP -> {
                if (options.zeroStages().contains(0)) {
                    variants.add(Layout.builder().zeroStage(0));
                }
                if (options.zeroStages().contains(3) && dp > 1) {
                    variants.add(Layout.builder().zeroStage(3));
                    if (dp > gpusPerNodeUsed && dp % gpusPerNodeUsed == 0) {
                        // HSDP: shard within a node, replicate across nodes.
                        int group = gpusPerNodeUsed;
                        variants.add(Layout.builder()
                                .zeroStage(3)
                                .partitionGroups(new PartitionGroups(group, group, group)));
                    }
                }
            }
        }
        return variants;
    }
}
