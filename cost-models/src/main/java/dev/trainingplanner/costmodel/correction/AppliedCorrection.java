package dev.trainingplanner.costmodel.correction;

/**
 * A correction that changed an estimate: its kind, scope and value, and how many runs and samples support it.
 */
public record AppliedCorrection(CorrectionKind kind, String scope, double value, int runs, long samples) {

    static AppliedCorrection of(CorrectionFactor factor) {
        return new AppliedCorrection(
                factor.kind(),
                factor.scope(),
                factor.value(),
                factor.evidence().runs(),
                factor.evidence().samples());
    }
}
