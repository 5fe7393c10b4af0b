package dev.trainingplanner.costmodel.correction;

import dev.trainingplanner.costmodel.estimate.Estimate;
import java.util.List;

/**
 * An estimate of the corrected model, with the version of the correction set it used and the corrections that
 * changed it (those at their prior, or for another GPU type, are not listed).
 */
public record CorrectedEstimate(Estimate estimate, String correctionVersion, List<AppliedCorrection> applied) {

    public CorrectedEstimate {
        applied = List.copyOf(applied);
    }
}
