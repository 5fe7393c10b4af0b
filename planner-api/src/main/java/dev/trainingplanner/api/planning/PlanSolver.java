package dev.trainingplanner.api.planning;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.api.job.PlanningGoal;
import dev.trainingplanner.api.job.PlanningOptions;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.profile.ClusterProfile;

/** Runs one solve on the planner engine; the REST layer stores what it reports. */
public interface PlanSolver {

    /** The inputs of a solve, read from the database when it starts. */
    record SolveInput(ClusterProfile profile, ModelSpec model, PlanningGoal goal, PlanningOptions options) {}

    /**
     * The outcome.
     *
     * @param plan the engine's JSON of the plan (layout, placement, estimate breakdown, explanation)
     * @param launch what the launch artifacts are made from
     * @param predictedIterationSeconds predicted time of one optimizer step
     */
    record SolvedPlan(JsonNode plan, LaunchPlan launch, double predictedIterationSeconds) {}

    /** Called from the solving thread. */
    interface Listener {
        /** A better plan was found; {@code progress} is the fraction of the solve's budget spent (0..1). */
        void improved(double progress, JsonNode bestSoFar);

        /** Whether someone asked to stop; the solve then returns the best plan found so far. */
        boolean stopRequested();
    }

    SolvedPlan solve(SolveInput input, Listener listener);
}
