package dev.trainingplanner.api.job;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

/**
 * The training goal of a job or a stand-alone plan: the global batch per optimizer step, how many GPUs of the cluster
 * the run gets, and the framework that launches it ({@code megatron}, {@code deepspeed} or {@code fsdp}).
 */
public record PlanningGoal(
        @NotNull @Positive @Max(10_000_000) Integer globalBatchSequences,
        @NotNull @Positive @Max(1_000_000) Integer gpus,
        @Pattern(regexp = "megatron|deepspeed|fsdp", message = "must be megatron, deepspeed or fsdp")
                String framework) {

    public String frameworkOrDefault() {
        return framework == null ? "megatron" : framework;
    }
}
