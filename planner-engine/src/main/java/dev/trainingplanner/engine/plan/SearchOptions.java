package dev.trainingplanner.engine.plan;

import dev.trainingplanner.costmodel.training.Precision;
import java.time.Duration;
import java.util.Set;

/**
 * Options that bound the search.
 *
 * @param zeroStages ZeRO stages the plan may use (the framework narrows them further)
 * @param allowZeroPlusPlus whether ZeRO++ (qwZ, hpZ, qgZ) may be proposed (DeepSpeed, stage 3)
 * @param tensorParallelAcrossNodes whether a TP group may span nodes
 * @param headroomFraction fraction of every GPU's usable memory left free
 * @param allowGradientCoding whether a straggler-tolerant gradient code may be used (needs a reduction that proceeds
 *     without the stragglers)
 * @param maxLadderFraction largest fraction of layers that may become Ladder Residual layers (0 = none)
 * @param minMicroBatch smallest micro-batch (sequences)
 * @param maxMicroBatch largest micro-batch (sequences)
 * @param precision GEMM precision
 * @param seed random seed of the search
 * @param steps local-search step budget, or null for the default (deterministic)
 * @param timeLimit wall-clock limit, or null; with both null the default step budget applies
 * @param topK how many plans to return (the best and the next best distinct layouts)
 * @param layoutPoolSize how many of the best layouts (under the default placement) the placement search may choose from
 */
public record SearchOptions(
        Set<Integer> zeroStages,
        boolean allowZeroPlusPlus,
        boolean tensorParallelAcrossNodes,
        double headroomFraction,
        boolean allowGradientCoding,
        double maxLadderFraction,
        int minMicroBatch,
        int maxMicroBatch,
        Precision precision,
        long seed,
        Integer steps,
        Duration timeLimit,
        int topK,
        int layoutPoolSize) {

    public SearchOptions {
        zeroStages = Set.copyOf(zeroStages);
    }

    public static SearchOptions defaults() {
        return new SearchOptions(
                Set.of(0, 1, 2, 3), true, false, 0.05, false, 0.0, 1, 8, Precision.BF16, 1L, null, null, 5, 24);
    }

    public SearchOptions withSteps(Integer value) {
        return new SearchOptions(
                zeroStages,
                allowZeroPlusPlus,
                tensorParallelAcrossNodes,
                headroomFraction,
                allowGradientCoding,
                maxLadderFraction,
                minMicroBatch,
                maxMicroBatch,
                precision,
                seed,
                value,
                timeLimit,
                topK,
                layoutPoolSize);
    }

    public SearchOptions withSeed(long value) {
        return new SearchOptions(
                zeroStages,
                allowZeroPlusPlus,
                tensorParallelAcrossNodes,
                headroomFraction,
                allowGradientCoding,
                maxLadderFraction,
                minMicroBatch,
                maxMicroBatch,
                precision,
                value,
                steps,
                timeLimit,
                topK,
                layoutPoolSize);
    }

    public SearchOptions withGradientCoding(boolean allowed) {
        return new SearchOptions(
                zeroStages,
                allowZeroPlusPlus,
                tensorParallelAcrossNodes,
                headroomFraction,
                allowed,
                maxLadderFraction,
                minMicroBatch,
                maxMicroBatch,
                precision,
                seed,
                steps,
                timeLimit,
                topK,
                layoutPoolSize);
    }

    public SearchOptions withLadder(double fraction, boolean tpAcrossNodes) {
        return new SearchOptions(
                zeroStages,
                allowZeroPlusPlus,
                tpAcrossNodes,
                headroomFraction,
                allowGradientCoding,
                fraction,
                minMicroBatch,
                maxMicroBatch,
                precision,
                seed,
                steps,
                timeLimit,
                topK,
                layoutPoolSize);
    }

    public SearchOptions withTimeLimit(Duration value) {
        return new SearchOptions(
                zeroStages,
                allowZeroPlusPlus,
                tensorParallelAcrossNodes,
                headroomFraction,
                allowGradientCoding,
                maxLadderFraction,
                minMicroBatch,
                maxMicroBatch,
                precision,
                seed,
                steps,
                value,
                topK,
                layoutPoolSize);
    }

    public SearchOptions withHeadroom(double fraction) {
        return new SearchOptions(
                zeroStages,
                allowZeroPlusPlus,
                tensorParallelAcrossNodes,
                fraction,
                allowGradientCoding,
                maxLadderFraction,
                minMicroBatch,
                maxMicroBatch,
                precision,
                seed,
                steps,
                timeLimit,
                topK,
                layoutPoolSize);
    }
}
