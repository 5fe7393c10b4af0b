package dev.trainingplanner.engine.plan;

import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.util.List;

/**
 * The planner's answer. For an infeasible problem {@code best} is null and the explanation says why.
 *
 * @param alternatives the next best distinct layouts, each with its own estimate, best first
 */
public record PlanResult(
        Status status,
        PlanRequest request,
        ProfiledCluster cluster,
        PlannedLayout best,
        List<PlannedLayout> alternatives,
        Explanation explanation,
        SearchStatistics statistics) {

    public enum Status {
        FEASIBLE,
        INFEASIBLE
    }

    public boolean feasible() {
        return status == Status.FEASIBLE;
    }
}
