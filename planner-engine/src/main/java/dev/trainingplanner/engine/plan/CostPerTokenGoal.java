package dev.trainingplanner.engine.plan;

/**
 * Planning with a free GPU count: the plan with the fewest GPU-seconds per trained token, on at most the request's
 * GPU count. Cost per token = GPUs × iteration time ÷ (global batch × sequence length), so it falls with better
 * scaling efficiency and rises with every idle or waiting GPU.
 *
 * @param maxIterationSeconds plans slower than this per iteration are not chosen (a throughput floor), or null
 * @param gpuHourPrice price of one GPU-hour, to report the cost per million tokens in money, or null
 */
public record CostPerTokenGoal(Double maxIterationSeconds, Double gpuHourPrice) {

    public CostPerTokenGoal {
        if (maxIterationSeconds != null && !(maxIterationSeconds > 0 && Double.isFinite(maxIterationSeconds))) {
            throw new IllegalArgumentException("max iteration seconds must be positive, got " + maxIterationSeconds);
        }
        if (gpuHourPrice != null && !(gpuHourPrice >= 0 && Double.isFinite(gpuHourPrice))) {
            throw new IllegalArgumentException("GPU-hour price must be zero or positive, got " + gpuHourPrice);
        }
    }

    public static CostPerTokenGoal unbounded() {
        return new CostPerTokenGoal(null, null);
    }
}
