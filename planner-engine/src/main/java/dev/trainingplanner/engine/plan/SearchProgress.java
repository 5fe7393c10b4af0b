package dev.trainingplanner.engine.plan;

/**
 * The best placement found so far while a plan is being searched, before gradient coding, Ladder Residual refinement
 * and the GPU order inside nodes are applied to it.
 *
 * @param elapsedMillis time since planning started (screening included)
 * @param layout the layout in the planner's short form, e.g. {@code tp8 pp4 dp8 cp1 sp mb1 zero1 recompute=none}
 * @param predictedIterationSeconds the cost model's iteration time of that layout on that placement
 * @param fitsMemory whether every rank fits its GPU with the requested headroom
 */
public record SearchProgress(long elapsedMillis, String layout, double predictedIterationSeconds, boolean fitsMemory) {}
