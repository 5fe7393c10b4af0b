package dev.trainingplanner.api.replanning;

import dev.trainingplanner.api.correction.CorrectionsUsed;
import dev.trainingplanner.costmodel.estimate.Violation;
import java.util.List;
import java.util.UUID;

/**
 * What a plan revision says changed, as {@link RevisionRecorder} writes it: the schema of a revision's
 * {@code changes} in the OpenAPI document. Every key is optional; {@code ReplanningApiTest} reads recorded revisions
 * back into this record strictly, so a key the recorder writes and this record lacks fails the build.
 *
 * @param previousPlanId the job's plan before (null when it had none)
 * @param layoutChanges the layout knobs that differ between the previous and the new plan
 * @param movedRanks ranks whose node or GPU differs
 * @param currentPlanViolations the constraints the previous plan violates on the latest profile
 * @param currentPlanProblem why the previous plan could not be scored on the latest profile
 * @param newPlanFailure why the night's solve failed
 * @param note a remark for a job without a previous plan
 * @param corrections the correction versions of the previous and the new plan, and the corrections the new plan was
 *     computed with: why a re-plan after new measurements can differ
 */
record RevisionChanges(
        UUID previousPlanId,
        List<KnobChange> layoutChanges,
        MovedRanks movedRanks,
        List<Violation> currentPlanViolations,
        String currentPlanProblem,
        String newPlanFailure,
        String note,
        CorrectionChange corrections) {

    /**
     * The correction set the previous plan recorded (null when it recorded none) and the new plan's, with what applied.
     */
    record CorrectionChange(String previousVersion, String version, List<CorrectionsUsed.Applied> applied) {}

    /** One layout knob, before and after, as text. */
    record KnobChange(String knob, String before, String after) {}

    /** How many ranks moved, with at most 100 examples ({@code from} is null for a rank the previous plan lacked). */
    record MovedRanks(List<MovedRank> examples, int count) {}

    /** One moved rank, {@code node/gpu} before and after. */
    record MovedRank(int rank, String from, String to) {}
}
