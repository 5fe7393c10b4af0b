package dev.trainingplanner.api.job;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.Set;

/**
 * Planning options; every field is optional and defaults to the engine's {@code SearchOptions.defaults()}.
 * {@code timeLimitSeconds} bounds one solve (1 to 3600 s).
 */
public record PlanningOptions(
        @Size(min = 1, max = 4) Set<@Min(0) @Max(3) Integer> zeroStages,
        Boolean allowZeroPlusPlus,
        Boolean tensorParallelAcrossNodes,
        @DecimalMin("0.0") @DecimalMax("0.9") Double headroomFraction,
        Boolean allowGradientCoding,
        @DecimalMin("0.0") @DecimalMax("1.0") Double maxLadderFraction,
        @Positive @Max(4096) Integer minMicroBatch,
        @Positive @Max(4096) Integer maxMicroBatch,
        @Pattern(regexp = "fp16|bf16|fp8", message = "must be fp16, bf16 or fp8") String precision,
        Long seed,
        @Positive @Max(3600) Integer timeLimitSeconds,
        @Positive @Max(20) Integer topK) {

    public static PlanningOptions none() {
        return new PlanningOptions(null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
