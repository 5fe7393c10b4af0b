package dev.trainingplanner.api.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.trainingplanner.engine.plan.SearchOptions;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.Locale;
import java.util.Set;

/**
 * Planning options; every field is optional and defaults to the engine's {@code SearchOptions.defaults()} (served as
 * {@link #defaults()} by {@code GET /api/v1/plans/defaults}). Each has the meaning of a {@code plan} CLI option (the
 * table in the planner-api README pairs them). {@code timeLimitSeconds} bounds one solve (1 to 3600 s); {@code
 * steps} is the deterministic step budget instead; {@code excludeNodes} and {@code excludeGpus} ({@code NODE:INDEX})
 * leave failed or busy hardware out; {@code expertParallelSizes} keeps an MoE plan's ep to the listed degrees (a
 * recipe's or a checkpoint's), empty for any.
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
        @Pattern(regexp = "fp16|bf16|fp8|mxfp8|nvfp4", message = "must be fp16, bf16, fp8, mxfp8 or nvfp4")
                String precision,
        Long seed,
        @Positive @Max(3600) Integer timeLimitSeconds,
        @Positive @Max(20) Integer topK,
        @Positive @Max(1_000_000) Integer steps,
        @Positive @Max(1000) Integer layoutPoolSize,
        @Size(max = 100_000) Set<@NotBlank @Size(max = 253) String> excludeNodes,
        @Size(max = 100_000) Set<@NotBlank @Size(max = 260) String> excludeGpus,
        @Size(max = 64) Set<@Positive @Max(4096) Integer> expertParallelSizes) {

    public static PlanningOptions none() {
        return new PlanningOptions(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * Every option at the value a request without it gets: the engine's defaults. No solve budget is set: without
     * {@code steps} and {@code timeLimitSeconds} the engine's step budget applies, capped by the service's time limit.
     */
    public static PlanningOptions defaults() {
        SearchOptions d = SearchOptions.defaults();
        return new PlanningOptions(
                d.zeroStages(),
                d.allowZeroPlusPlus(),
                d.tensorParallelAcrossNodes(),
                d.headroomFraction(),
                d.allowGradientCoding(),
                d.maxLadderFraction(),
                d.minMicroBatch(),
                d.maxMicroBatch(),
                d.precision().name().toLowerCase(Locale.ROOT),
                d.seed(),
                null,
                d.topK(),
                null,
                d.layoutPoolSize(),
                Set.of(),
                Set.of(),
                d.expertParallelSizes());
    }

    @JsonIgnore
    @AssertTrue(message = "give either steps or timeLimitSeconds, not both")
    public boolean isOneSolveBudget() {
        return steps == null || timeLimitSeconds == null;
    }
}
