package dev.trainingplanner.api.planning;

import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.engine.launch.DeepSpeedConfig;
import dev.trainingplanner.engine.output.LayoutCodec;
import dev.trainingplanner.engine.output.PlacementCodec;
import dev.trainingplanner.engine.output.PlanDocument;
import dev.trainingplanner.engine.output.RankLocation;
import java.util.List;

/**
 * The launch-relevant knobs of a plan and which GPU every rank runs on, as served under {@code result.launch} of
 * {@code GET /api/v1/plans/{id}}. A view derived from the stored plan document when served, never stored itself: the
 * document (read through the engine's codec) is the plan.
 *
 * @param virtualPipelineStages interleaved stages per pipeline rank (1 = no interleaving)
 * @param zeroStage DeepSpeed ZeRO stage, or the Megatron distributed optimizer when 1
 * @param hpzPartitionSize ZeRO++ hpZ secondary group size (1 = off)
 * @param recompute {@code none}, {@code selective} or {@code full}
 * @param ranks every global rank in order: its node and the GPU index in that node's profile
 * @param stageLayerCounts layers per pipeline stage of an uneven split, or empty for the even split
 * @param micsShardSize DeepSpeed MiCS shard group (states sharded within it, replicated across), or null when off
 */
public record LaunchPlan(
        String framework,
        int tensorParallel,
        int pipelineParallel,
        int dataParallel,
        int contextParallel,
        int virtualPipelineStages,
        boolean sequenceParallel,
        int microBatchSequences,
        int globalBatchSequences,
        int zeroStage,
        int hpzPartitionSize,
        boolean quantizedWeights,
        boolean quantizedGradients,
        String precision,
        String recompute,
        List<RankLocation> ranks,
        List<Integer> stageLayerCounts,
        Integer micsShardSize) {

    /** The view of a feasible plan's document. */
    public static LaunchPlan of(PlanDocument document) {
        PlanDocument.LayoutJson json = document.layout();
        Layout layout = LayoutCodec.layout(json);
        return new LaunchPlan(
                document.problem().framework(),
                layout.tp(),
                layout.pp(),
                layout.dp(),
                layout.cp(),
                layout.virtualStages(),
                layout.sequenceParallel(),
                json.microBatchSequences(),
                document.problem().globalBatchSequences(),
                layout.zeroStage(),
                layout.zeroPlusPlus().hpzGroupSize(),
                layout.zeroPlusPlus().quantizedWeights(),
                layout.zeroPlusPlus().quantizedGradients(),
                document.problem().precision(),
                json.recompute(),
                PlacementCodec.locations(document.placement()),
                layout.stageLayerCounts(),
                DeepSpeedConfig.micsShardSize(layout));
    }
}
