package dev.trainingplanner.api.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * The training goal of a job or a stand-alone plan: the global batch per optimizer step, the sequence length in tokens
 * (the model's own when absent; {@code plan --seq-len}), how many GPUs of the cluster the run gets, and the framework that launches it ({@code megatron}, {@code deepspeed} or {@code fsdp}). With
 * {@code objective} {@code cost-per-token} the GPU count is free: {@code gpus} is the most the run may get, the plan
 * with the fewest GPU-hours per trained token wins, {@code maxIterationSeconds} excludes slower plans and {@code
 * gpuHourPrice} adds the cost per million tokens to the comparison.
 */
public record PlanningGoal(
        @NotNull @Positive @Max(10_000_000) Integer globalBatchSequences,
        @Positive @Max(10_000_000) Integer sequenceLength,
        @NotNull @Positive @Max(1_000_000) Integer gpus,
        @Pattern(regexp = "megatron|deepspeed|fsdp", message = "must be megatron, deepspeed or fsdp") String framework,
        @Pattern(regexp = "iteration-time|cost-per-token", message = "must be iteration-time or cost-per-token")
                String objective,
        @Positive @DecimalMax("1000000") Double maxIterationSeconds,
        @PositiveOrZero @DecimalMax("1000000") Double gpuHourPrice) {

    public static final String COST_PER_TOKEN = "cost-per-token";

    /** The framework when the goal names none, as {@code plan --framework}'s default. */
    public static final String DEFAULT_FRAMEWORK = "megatron";

    public static final String ITERATION_TIME = "iteration-time";

    public String frameworkOrDefault() {
        return framework == null ? DEFAULT_FRAMEWORK : framework;
    }

    @JsonIgnore
    public boolean isCostPerToken() {
        return COST_PER_TOKEN.equals(objective);
    }

    @JsonIgnore
    @AssertTrue(message = "maxIterationSeconds and gpuHourPrice apply only with objective cost-per-token")
    public boolean isCostBoundsWithTheirObjective() {
        return isCostPerToken() || maxIterationSeconds == null && gpuHourPrice == null;
    }
}
