package dev.trainingplanner.costmodel.correction;

import dev.trainingplanner.costmodel.InvalidInputException;

/**
 * One correction: a multiplier of a {@link CorrectionKind} within its bounds, for a scope (the GPU type of a compute
 * efficiency; empty for the others, which hold for the whole cluster), with its evidence.
 */
public record CorrectionFactor(CorrectionKind kind, String scope, double value, Evidence evidence) {

    /** The no-change value of every kind. */
    public static final double PRIOR = 1.0;

    public CorrectionFactor {
        InvalidInputException.require(kind != null, "correction kind must not be null");
        InvalidInputException.require(scope != null, "correction scope must not be null (empty for the cluster)");
        InvalidInputException.require(
                Double.isFinite(value) && value >= kind.lowerBound() && value <= kind.upperBound(),
                kind + " must be within " + kind.lowerBound() + ".." + kind.upperBound() + ", got " + value);
        InvalidInputException.require(evidence != null, "correction evidence must not be null");
    }

    /** Whether the factor changes the model. */
    public boolean changesModel() {
        return value != PRIOR;
    }
}
