package dev.trainingplanner.api.replanning;

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
 */
record RevisionChanges(
        UUID previousPlanId,
        List<KnobChange> layoutChanges,
        MovedRanks movedRanks,
        List<Violation> currentPlanViolations,
        String currentPlanProblem,
        String newPlanFailure,
        String note) {

    /** One layout knob, before and after, as text. */
    record KnobChange(String knob, String before, String after) {}

    /** How many ranks moved, with at most 100 examples ({@code from} is null for a rank the previous plan lacked). */
    record MovedRanks(List<MovedRank> examples, int count) {}

    /** One moved rank, {@code node/gpu} before and after. */
    record MovedRank(int rank, String from, String to) {}
}
