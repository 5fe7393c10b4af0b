package dev.trainingplanner.api.estimation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.layout.ZeroPlusPlus;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Synchronous what-if: score a given layout and placement on a cluster's latest profile, or re-score an existing plan
 * ({@code planId}) on the latest profile.
 */
@RestController
@RequestMapping("/api/v1/estimates")
class EstimateController {

    private final Estimator estimator;

    EstimateController(Estimator estimator) {
        this.estimator = estimator;
    }

    /** The layout knobs, with the names of the launch plan ({@code GET /api/v1/plans/{id}} → result.launch). */
    record LayoutBody(
            @NotNull @Positive @Max(4096) Integer tensorParallel,
            @NotNull @Positive @Max(4096) Integer pipelineParallel,
            @NotNull @Positive @Max(1_048_576) Integer dataParallel,
            @Positive @Max(4096) Integer contextParallel,
            @Positive @Max(512) Integer virtualPipelineStages,
            Boolean sequenceParallel,
            @Pattern(regexp = "none|selective|full", message = "must be none, selective or full") String recompute,
            @Min(0) @Max(3) Integer zeroStage,
            @Positive @Max(4096) Integer hpzPartitionSize,
            Boolean quantizedWeights,
            Boolean quantizedGradients) {

        /** The layout the body describes, with the cost model's defaults for every knob it leaves out. */
        Layout layout() {
            return Layout.builder()
                    .tp(tensorParallel)
                    .pp(pipelineParallel)
                    .dp(dataParallel)
                    .cp(or(contextParallel, 1))
                    .virtualStages(or(virtualPipelineStages, 1))
                    .sequenceParallel(or(sequenceParallel, false))
                    .recompute(Recompute.valueOf(or(recompute, "none").toUpperCase(Locale.ROOT)))
                    .zeroStage(or(zeroStage, 0))
                    .zeroPlusPlus(new ZeroPlusPlus(
                            or(quantizedWeights, false), or(hpzPartitionSize, 1), or(quantizedGradients, false)))
                    .build();
        }

        private static <T> T or(T value, T fallback) {
            return value == null ? fallback : value;
        }
    }

    record RankBody(
            @NotNull @Min(0) Integer rank,
            @NotNull @Size(min = 1, max = 200) String node,
            @NotNull @Min(0) @Max(63) Integer gpu) {}

    record EstimateRequest(
            UUID planId,
            @Size(max = 200) String cluster,
            @Size(max = 200) String model,
            @Positive @Max(10_000_000) Integer globalBatchSequences,
            @Positive @Max(4096) Integer microBatchSequences,
            @Pattern(regexp = "fp16|bf16|fp8|mxfp8|nvfp4", message = "must be fp16, bf16, fp8, mxfp8 or nvfp4")
                    String precision,
            @Pattern(regexp = "megatron|deepspeed|fsdp", message = "must be megatron, deepspeed or fsdp")
                    String framework,
            @Valid LayoutBody layout,
            @Size(max = 1_048_576) List<@Valid @NotNull RankBody> placement,
            @Size(max = 64) String correctionVersion) {}

    @PostMapping
    JsonNode estimate(@Valid @RequestBody EstimateRequest request) {
        return request.planId() != null ? estimator.rescore(request) : estimator.score(request);
    }
}
