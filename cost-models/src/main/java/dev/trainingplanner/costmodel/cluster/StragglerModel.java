package dev.trainingplanner.costmodel.cluster;

import static dev.trainingplanner.costmodel.InvalidInputException.nonNegative;
import static dev.trainingplanner.costmodel.InvalidInputException.require;

/**
 * Random per-iteration slowdown of one node (cost-models.md §8.3). Either Bernoulli (slow by {@code slowdown} with
 * probability {@code probability}) or shifted exponential (time × (shift + Exp(rate)), Lee et al. 2017).
 *
 * @param kind which of the two distributions
 * @param probability Bernoulli probability of being slow in one iteration
 * @param slowdown Bernoulli slowdown factor (≥ 1)
 * @param shift shifted-exponential shift a (≥ 0)
 * @param rate shifted-exponential rate μ (> 0)
 */
public record StragglerModel(Kind kind, double probability, double slowdown, double shift, double rate) {

    public enum Kind {
        NONE,
        BERNOULLI,
        SHIFTED_EXPONENTIAL
    }

    public static final StragglerModel NONE = new StragglerModel(Kind.NONE, 0, 1, 1, 1);

    public StragglerModel {
        require(kind != null, "straggler kind must not be null");
        nonNegative("straggler probability", probability);
        require(probability <= 1, "straggler probability must be at most 1, got " + probability);
        require(Double.isFinite(slowdown) && slowdown >= 1, "straggler slowdown must be at least 1, got " + slowdown);
        nonNegative("straggler shift", shift);
        require(Double.isFinite(rate) && rate > 0, "straggler rate must be a finite number above 0, got " + rate);
        require(
                kind != Kind.SHIFTED_EXPONENTIAL || shift > 0,
                "shifted-exponential straggler model needs a shift above 0, got " + shift);
    }

    public static StragglerModel bernoulli(double probability, double slowdown) {
        return new StragglerModel(Kind.BERNOULLI, probability, slowdown, 1, 1);
    }

    public static StragglerModel shiftedExponential(double shift, double rate) {
        return new StragglerModel(Kind.SHIFTED_EXPONENTIAL, 0, 1, shift, rate);
    }

    public boolean isNone() {
        return kind == Kind.NONE || (kind == Kind.BERNOULLI && (probability == 0 || slowdown == 1));
    }
}
