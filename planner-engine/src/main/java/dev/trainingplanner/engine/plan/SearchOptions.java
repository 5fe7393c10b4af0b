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
 * @param expertParallelSizes the expert-parallel degrees an MoE plan may use (to keep a recipe's or checkpoint's ep);
 *     empty = every degree the framework accepts
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
        int layoutPoolSize,
        Set<Integer> expertParallelSizes) {

    public SearchOptions {
        zeroStages = Set.copyOf(zeroStages);
        expertParallelSizes = Set.copyOf(expertParallelSizes);
    }

    /** Options without a restriction on the expert-parallel degree. */
    public SearchOptions(
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
        this(
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
                timeLimit,
                topK,
                layoutPoolSize,
                Set.of());
    }

    public static SearchOptions defaults() {
        return new SearchOptions(
                Set.of(0, 1, 2, 3), true, false, 0.05, false, 0.0, 1, 8, Precision.BF16, 1L, null, null, 5, 24);
    }

    public SearchOptions withSteps(Integer value) {
        return toBuilder().steps(value).build();
    }

    public SearchOptions withSeed(long value) {
        return toBuilder().seed(value).build();
    }

    public SearchOptions withGradientCoding(boolean allowed) {
        return toBuilder().allowGradientCoding(allowed).build();
    }

    public SearchOptions withLadder(double fraction, boolean tpAcrossNodes) {
        return toBuilder()
                .maxLadderFraction(fraction)
                .tensorParallelAcrossNodes(tpAcrossNodes)
                .build();
    }

    public SearchOptions withTimeLimit(Duration value) {
        return toBuilder().timeLimit(value).build();
    }

    public SearchOptions withHeadroom(double fraction) {
        return toBuilder().headroomFraction(fraction).build();
    }

    public SearchOptions withExpertParallelSizes(Set<Integer> value) {
        return toBuilder().expertParallelSizes(value).build();
    }

    public SearchOptions withPrecision(Precision value) {
        return toBuilder().precision(value).build();
    }

    private Builder toBuilder() {
        Builder builder = new Builder();
        builder.zeroStages = zeroStages;
        builder.allowZeroPlusPlus = allowZeroPlusPlus;
        builder.tensorParallelAcrossNodes = tensorParallelAcrossNodes;
        builder.headroomFraction = headroomFraction;
        builder.allowGradientCoding = allowGradientCoding;
        builder.maxLadderFraction = maxLadderFraction;
        builder.minMicroBatch = minMicroBatch;
        builder.maxMicroBatch = maxMicroBatch;
        builder.precision = precision;
        builder.seed = seed;
        builder.steps = steps;
        builder.timeLimit = timeLimit;
        builder.topK = topK;
        builder.layoutPoolSize = layoutPoolSize;
        builder.expertParallelSizes = expertParallelSizes;
        return builder;
    }

    /** A copy of some options with a few changed (the withers above). */
    private static final class Builder {
        private Set<Integer> zeroStages;
        private boolean allowZeroPlusPlus;
        private boolean tensorParallelAcrossNodes;
        private double headroomFraction;
        private boolean allowGradientCoding;
        private double maxLadderFraction;
        private int minMicroBatch;
        private int maxMicroBatch;
        private Precision precision;
        private long seed;
        private Integer steps;
        private Duration timeLimit;
        private int topK;
        private int layoutPoolSize;
        private Set<Integer> expertParallelSizes;

        private Builder steps(Integer value) {
            steps = value;
            return this;
        }

        private Builder seed(long value) {
            seed = value;
            return this;
        }

        private Builder allowGradientCoding(boolean value) {
            allowGradientCoding = value;
            return this;
        }

        private Builder maxLadderFraction(double value) {
            maxLadderFraction = value;
            return this;
        }

        private Builder tensorParallelAcrossNodes(boolean value) {
            tensorParallelAcrossNodes = value;
            return this;
        }

        private Builder timeLimit(Duration value) {
            timeLimit = value;
            return this;
        }

        private Builder headroomFraction(double value) {
            headroomFraction = value;
            return this;
        }

        private Builder expertParallelSizes(Set<Integer> value) {
            expertParallelSizes = value;
            return this;
        }

        private Builder precision(Precision value) {
            precision = value;
            return this;
        }

        private SearchOptions build() {
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
                    timeLimit,
                    topK,
                    layoutPoolSize,
                    expertParallelSizes);
        }
    }
}
