package dev.trainingplanner.api.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/**
 * Something a job's measured steps show about its latest plan revision: it runs slower than its plan predicted
 * ({@value #SLOWER_THAN_PLAN}), or a rank's measured peak memory reaches into the headroom the planner keeps free
 * ({@value #MEMORY_NEAR_CAPACITY}). A flag is the same flag while its kind and revision stay; its numbers follow the
 * latest evaluation and {@code raisedAt} says when it was first raised.
 *
 * @param kind {@value #SLOWER_THAN_PLAN} or {@value #MEMORY_NEAR_CAPACITY}
 * @param planRevision the revision whose measurements raised it
 * @param planId the plan of that revision
 * @param raisedAt when it was first raised
 * @param slowerThanPlan the numbers of a {@value #SLOWER_THAN_PLAN} flag, null otherwise
 * @param memoryNearCapacity the numbers of a {@value #MEMORY_NEAR_CAPACITY} flag, null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeasurementFlag(
        String kind,
        int planRevision,
        UUID planId,
        Instant raisedAt,
        SlowerThanPlan slowerThanPlan,
        MemoryNearCapacity memoryNearCapacity) {

    public static final String SLOWER_THAN_PLAN = "slowerThanPlan";
    public static final String MEMORY_NEAR_CAPACITY = "memoryNearCapacity";

    /**
     * @param medianIterationSeconds median measured iteration time after warm-up
     * @param predictedIterationSeconds the plan's predicted iteration time
     * @param slowdownFraction median / predicted − 1
     * @param thresholdFraction the slowdown above which the flag is raised
     */
    public record SlowerThanPlan(
            double medianIterationSeconds,
            double predictedIterationSeconds,
            double slowdownFraction,
            double thresholdFraction) {}

    /**
     * @param rank the rank closest to its GPU's capacity
     * @param peakMemoryBytes its largest measured peak in the revision
     * @param capacityBytes its GPU's usable memory, as the plan's estimate recorded it
     * @param headroomFraction the fraction of capacity the plan kept free
     * @param limitBytes capacity × (1 − headroom): the memory the plan allowed itself
     */
    public record MemoryNearCapacity(
            int rank, long peakMemoryBytes, long capacityBytes, double headroomFraction, long limitBytes) {}

    /** Whether {@code other} is the same flag (kind and revision), whatever its numbers. */
    public boolean sameFlagAs(MeasurementFlag other) {
        return kind.equals(other.kind) && planRevision == other.planRevision;
    }

    /** This flag with the time it was first raised. */
    public MeasurementFlag raisedAt(Instant value) {
        return new MeasurementFlag(kind, planRevision, planId, value, slowerThanPlan, memoryNearCapacity);
    }
}
