package dev.trainingplanner.costmodel.layout;

import static dev.trainingplanner.costmodel.InvalidInputException.require;

/**
 * Straggler-tolerant gradient coding over the data-parallel workers (cost-models.md §8).
 *
 * @param scheme the coding scheme
 * @param stragglersTolerated s for FR/CR (each partition held by s+1 workers)
 * @param burstLength B of the (B, W, λ)-bursty straggler model (sequential schemes)
 * @param window W of the straggler model (sequential schemes)
 * @param maxStragglersInWindow λ of the straggler model (sequential schemes)
 */
public record GradientCoding(
        Scheme scheme, int stragglersTolerated, int burstLength, int window, int maxStragglersInWindow) {

    public static final GradientCoding NONE = new GradientCoding(Scheme.NONE, 0, 0, 0, 0);

    public enum Scheme {
        NONE,
        FRACTIONAL_REPETITION,
        CYCLIC_REPETITION,
        /** SR-SGC: GC plus selective repetition, delay B. */
        SELECTIVE_REPEAT_SGC,
        /** M-SGC: multiplexed sequential gradient coding, delay W−2+B. */
        MULTIPLEXED_SGC
    }

    public GradientCoding {
        require(scheme != null, "gradient-coding scheme must not be null");
        require(stragglersTolerated >= 0, "gradient coding s must be at least 0, got " + stragglersTolerated);
        if (scheme == Scheme.SELECTIVE_REPEAT_SGC || scheme == Scheme.MULTIPLEXED_SGC) {
            require(burstLength >= 1, "sequential gradient coding needs B >= 1, got " + burstLength);
            require(window >= 2, "sequential gradient coding needs W >= 2, got " + window);
            require(
                    maxStragglersInWindow >= 1,
                    "sequential gradient coding needs lambda >= 1, got " + maxStragglersInWindow);
        }
        if (scheme == Scheme.SELECTIVE_REPEAT_SGC) {
            require(
                    (window - 1) % burstLength == 0,
                    "SR-SGC needs B to divide W-1, got B=" + burstLength + ", W=" + window);
        }
    }

    public static GradientCoding fractionalRepetition(int s) {
        return new GradientCoding(Scheme.FRACTIONAL_REPETITION, s, 0, 0, 0);
    }

    public static GradientCoding cyclicRepetition(int s) {
        return new GradientCoding(Scheme.CYCLIC_REPETITION, s, 0, 0, 0);
    }

    public static GradientCoding selectiveRepeat(int burst, int window, int lambda) {
        return new GradientCoding(Scheme.SELECTIVE_REPEAT_SGC, 0, burst, window, lambda);
    }

    public static GradientCoding multiplexed(int burst, int window, int lambda) {
        return new GradientCoding(Scheme.MULTIPLEXED_SGC, 0, burst, window, lambda);
    }

    public boolean isNone() {
        return scheme == Scheme.NONE;
    }

    /** Whether the scheme codes across consecutive rounds (SR-SGC, M-SGC), so that it needs jobs in flight. */
    public boolean isSequential() {
        return scheme == Scheme.SELECTIVE_REPEAT_SGC || scheme == Scheme.MULTIPLEXED_SGC;
    }

    /** Rounds a job may wait before it is decoded: B for SR-SGC, W−2+B for M-SGC, 0 otherwise (§8.2). */
    public int delayRounds() {
        return switch (scheme) {
            case SELECTIVE_REPEAT_SGC -> burstLength;
            case MULTIPLEXED_SGC -> window - 2 + burstLength;
            default -> 0;
        };
    }

    /** The scheme's parameters as a user writes them: {@code s=2}, or {@code B=1,W=3,lambda=4}. */
    public String parameters() {
        return isSequential()
                ? "B=" + burstLength + ",W=" + window + ",lambda=" + maxStragglersInWindow
                : "s=" + stragglersTolerated;
    }
}
