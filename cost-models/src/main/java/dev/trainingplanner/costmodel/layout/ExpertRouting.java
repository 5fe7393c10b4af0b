package dev.trainingplanner.costmodel.layout;

import static dev.trainingplanner.costmodel.InvalidInputException.require;

/**
 * How evenly the router spreads tokens over experts, which sets how many tokens the busiest expert, and so the slowest
 * GPU of an MoE layer, has to process relative to the mean.
 *
 * <p>Dropless routing (Megatron-Core's default) processes every routed token: the busiest expert gets
 * {@code loadImbalanceFactor} times the mean. 1.0 is perfectly balanced, as in benchmarks that force-balance the router
 * ({@code --moe-router-force-load-balancing}); trained routers with an auxiliary balance loss run a few tens of percent
 * above the mean. With a capacity factor ({@code --moe-expert-capacity-factor}, tokens beyond it dropped and every
 * expert's input padded to it, as {@code --moe-pad-expert-input-to-capacity} does) every expert processes exactly
 * {@code capacityFactor} times the mean.
 *
 * @param loadImbalanceFactor busiest expert's tokens over the mean under dropless routing, at least 1
 * @param capacityFactor tokens per expert over the mean with token dropping; 0 = dropless
 */
public record ExpertRouting(double loadImbalanceFactor, double capacityFactor) {

    /** Dropless, force-balanced routing. */
    public static final ExpertRouting BALANCED = dropless(1.0);

    public ExpertRouting {
        require(
                Double.isFinite(loadImbalanceFactor) && loadImbalanceFactor >= 1.0,
                "load imbalance factor must be at least 1.0 (1.0 = perfectly balanced), got " + loadImbalanceFactor);
        require(
                Double.isFinite(capacityFactor) && capacityFactor >= 0,
                "capacity factor must be above 0 (or 0 for dropless routing), got " + capacityFactor);
    }

    public static ExpertRouting dropless(double loadImbalanceFactor) {
        return new ExpertRouting(loadImbalanceFactor, 0);
    }

    public static ExpertRouting capacity(double capacityFactor) {
        require(capacityFactor > 0, "capacity factor must be above 0, got " + capacityFactor);
        return new ExpertRouting(1.0, capacityFactor);
    }

    public boolean dropsTokens() {
        return capacityFactor > 0;
    }

    /** Tokens the busiest expert processes over the mean: the capacity factor, or the dropless imbalance factor. */
    public double busiestExpertLoad() {
        return dropsTokens() ? capacityFactor : loadImbalanceFactor;
    }
}
