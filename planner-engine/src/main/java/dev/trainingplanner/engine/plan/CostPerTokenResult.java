package dev.trainingplanner.engine.plan;

import java.util.List;

/**
 * The cost-per-token answer: the full plan at the chosen GPU count and every count looked at, in increasing GPU
 * order.
 *
 * @param plan the plan for the chosen count (infeasible when no count has a plan within the bounds)
 * @param goal the bounds and price asked for
 * @param maxGpus the largest count considered
 */
public record CostPerTokenResult(
        PlanResult plan, CostPerTokenGoal goal, int maxGpus, List<GpuCountCandidate> candidates) {

    public boolean feasible() {
        return plan.feasible();
    }
}
