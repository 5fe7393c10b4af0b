package dev.trainingplanner.api.planning;

import dev.trainingplanner.api.job.PlanningGoal;
import dev.trainingplanner.api.job.PlanningOptions;

/**
 * What a solve plans, as stored with the run: the cluster (its effective profile is read when the solve starts), the
 * model, the goal and the options; {@code purpose} says who asked ({@code request}, {@code replan-now} or
 * {@code nightly}).
 */
public record PlanSpec(String cluster, String model, PlanningGoal goal, PlanningOptions options, String purpose) {}
