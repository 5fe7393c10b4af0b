package dev.trainingplanner.engine.plan;

/**
 * One GPU count the cost-per-token search looked at.
 *
 * @param gpus GPUs of the plan
 * @param searched whether the full placement search ran for this count (otherwise only the layout screening with the
 *     default and the construction node orders)
 * @param layout the best layout found, or null when none fits
 * @param iterationTimeSeconds its predicted iteration time (NaN when none fits)
 * @param gpuHoursPerMillionTokens GPUs × iteration time per million trained tokens, in GPU-hours (NaN when none fits)
 * @param costPerMillionTokens that times the GPU-hour price, or NaN without a price
 * @param note why the count was not chosen or not planned, or null
 */
public record GpuCountCandidate(
        int gpus,
        boolean searched,
        String layout,
        double iterationTimeSeconds,
        double gpuHoursPerMillionTokens,
        double costPerMillionTokens,
        String note) {}
