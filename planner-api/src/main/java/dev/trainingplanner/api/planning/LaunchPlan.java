package dev.trainingplanner.api.planning;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The launch-relevant part of a plan: the layout knobs and which GPU every rank runs on. Launch artifacts are derived
 * from this record only, so they cannot disagree with the plan.
 *
 * @param virtualPipelineStages interleaved stages per pipeline rank (1 = no interleaving)
 * @param zeroStage DeepSpeed ZeRO stage, or the Megatron distributed optimizer when 1
 * @param hpzPartitionSize ZeRO++ hpZ secondary group size (1 = off)
 * @param recompute {@code none}, {@code selective} or {@code full}
 * @param ranks every global rank in order: its node and the GPU index in that node's profile
 * @param stageLayerCounts layers per pipeline stage of an uneven split, or null / empty for the even split
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
        List<RankPlacement> ranks,
        List<Integer> stageLayerCounts,
        Integer micsShardSize) {

    /**
     * Global rank {@code rank} runs on GPU {@code gpu} of node {@code node}. Named apart from the plan document's
     * {@code RankPlacement} (which adds the parallel coordinates) so that the OpenAPI document keeps both.
     */
    @Schema(name = "LaunchRankPlacement")
    public record RankPlacement(int rank, String node, int gpu) {}

    public int worldSize() {
        return tensorParallel * pipelineParallel * dataParallel * contextParallel;
    }

    /** Whether the pipeline stages hold different numbers of layers (plans stored before splits existed: no). */
    public boolean unevenStages() {
        return stageLayerCounts != null && !stageLayerCounts.isEmpty();
    }

    public int gradientAccumulationSteps() {
        return globalBatchSequences / (microBatchSequences * dataParallel);
    }
}
