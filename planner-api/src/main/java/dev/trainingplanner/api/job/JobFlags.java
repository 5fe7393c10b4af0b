package dev.trainingplanner.api.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The outcome of a job's latest re-planning (nightly or "re-plan now"), kept on the job and sent to its webhook.
 *
 * @param planId the re-planning solve
 * @param purpose {@code nightly} or {@code replan-now}
 * @param flags what needs attention (empty when nothing does)
 * @param currentPlanSeconds the current plan's predicted iteration time on the latest profile, when it could be scored
 * @param newBestSeconds the new plan's predicted iteration time, when the solve completed
 * @param at when it was recorded
 */
public record JobFlags(
        UUID planId,
        String purpose,
        List<String> flags,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double currentPlanSeconds,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double newBestSeconds,
        Instant at) {}
