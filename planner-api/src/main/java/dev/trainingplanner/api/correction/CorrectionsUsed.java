package dev.trainingplanner.api.correction;

import dev.trainingplanner.costmodel.correction.AppliedCorrection;
import dev.trainingplanner.costmodel.correction.CorrectedCostModel;
import dev.trainingplanner.costmodel.correction.CorrectionKind;
import java.util.List;
import java.util.Locale;

/**
 * The corrections a plan or estimate was computed with, as it records them: the version of the cluster's correction
 * set (the published calibration alone when the set is empty) and each correction that changed the numbers, with the
 * runs and samples behind it and a sentence that says so.
 */
public record CorrectionsUsed(String version, List<Applied> applied) {

    /** One correction that applied. */
    public record Applied(CorrectionKind kind, String scope, double value, int runs, long samples, String reason) {}

    public static CorrectionsUsed of(CorrectedCostModel model) {
        return new CorrectionsUsed(
                model.corrections().version(),
                model.applied().stream().map(CorrectionsUsed::applied).toList());
    }

    private static Applied applied(AppliedCorrection correction) {
        String what = correction.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        String scope = correction.scope().isEmpty() ? "" : " of " + correction.scope();
        String reason = String.format(
                Locale.ROOT,
                "%s%s corrected to %.2f from %d run%s (%d samples)",
                what,
                scope,
                correction.value(),
                correction.runs(),
                correction.runs() == 1 ? "" : "s",
                correction.samples());
        return new Applied(
                correction.kind(),
                correction.scope(),
                correction.value(),
                correction.runs(),
                correction.samples(),
                reason);
    }
}
