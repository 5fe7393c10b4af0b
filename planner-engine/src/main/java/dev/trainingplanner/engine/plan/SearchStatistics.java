package dev.trainingplanner.engine.plan;

import java.util.List;

/**
 * How the search went.
 *
 * @param layoutsEnumerated layouts the framework can launch
 * @param layoutsFeasible layouts that passed every placement-independent rule and fit in memory
 * @param layoutsSearched layouts the placement search chose among
 * @param defaultPlacementBestSeconds the best layout's time with ranks packed by node (exhaustive over layouts)
 * @param screeningMillis time to enumerate, prepare and rank the layouts under the default placement
 * @param firstFeasibleMillis when the first feasible plan existed, from the start of planning (-1 if never)
 * @param solverMillis wall time of the Timefold search (construction and local search)
 * @param totalMillis wall time of the whole planning, screening and refinement included
 * @param scoreCalculations score evaluations of the placement search
 * @param curve best plan time (seconds) against solver time (milliseconds)
 */
public record SearchStatistics(
        int layoutsEnumerated,
        int layoutsFeasible,
        int layoutsSearched,
        double defaultPlacementBestSeconds,
        long screeningMillis,
        long firstFeasibleMillis,
        long solverMillis,
        long totalMillis,
        long scoreCalculations,
        List<CurvePoint> curve) {

    /** Best predicted iteration time found by {@code millis} into the search. */
    public record CurvePoint(long millis, double iterationTimeSeconds) {}
}
