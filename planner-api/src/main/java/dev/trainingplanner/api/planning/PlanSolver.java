package dev.trainingplanner.api.planning;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.api.correction.CorrectionsUsed;
import dev.trainingplanner.api.job.PlanningGoal;
import dev.trainingplanner.api.job.PlanningOptions;
import dev.trainingplanner.costmodel.correction.CorrectionSet;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.engine.output.PlanDocument;
import dev.trainingplanner.profile.ClusterProfile;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.function.Supplier;

/** Runs one solve on the planner engine; the REST layer stores what it reports. */
public interface PlanSolver {

    /**
     * The inputs of a solve, read from the database when it starts; the cluster's effective profile is read by the
     * solver ({@code profile.get()}) on the thread that solves, since it grows with the cluster. {@code corrections}
     * is the cluster's latest correction set, which the cost model of the search applies.
     */
    record SolveInput(
            Supplier<ClusterProfile> profile,
            ModelSpec model,
            PlanningGoal goal,
            PlanningOptions options,
            Supplier<CorrectionSet> corrections) {}

    /**
     * The outcome, stored and served as a plan's {@code result}.
     *
     * @param plan the engine's JSON of the plan (layout, placement, estimate breakdown, explanation)
     * @param predictedIterationSeconds predicted time of one optimizer step
     * @param corrections the version of the cluster's correction set the plan was computed with and the corrections
     *     that changed its numbers, each with its support and a sentence saying so
     */
    record SolvedPlan(
            @Schema(implementation = PlanDocument.class) JsonNode plan,
            double predictedIterationSeconds,
            CorrectionsUsed corrections) {}

    /**
     * The search's best placement before refinement, a plan's {@code bestSoFar} while it solves.
     *
     * @param layout the layout in short form
     * @param predictedIterationSeconds its predicted iteration time
     * @param fitsMemory whether every rank fits its GPU
     * @param elapsedMillis when the search found it
     */
    record SearchBest(String layout, double predictedIterationSeconds, boolean fitsMemory, long elapsedMillis) {}

    /** Called from the solving thread. */
    interface Listener {
        /** A better plan was found; {@code progress} is the fraction of the solve's budget spent (0..1). */
        void improved(double progress, JsonNode bestSoFar);

        /** Whether someone asked to stop; the solve then returns the best plan found so far. */
        boolean stopRequested();
    }

    SolvedPlan solve(SolveInput input, Listener listener);
}
