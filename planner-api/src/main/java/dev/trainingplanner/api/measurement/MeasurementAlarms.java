package dev.trainingplanner.api.measurement;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainingplanner.api.job.Jobs;
import dev.trainingplanner.api.job.MeasurementFlag;
import dev.trainingplanner.api.job.TrainingJob;
import dev.trainingplanner.api.job.Webhooks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * After an upload stores new steps, looks at the job's latest plan revision again and flags it when its median
 * iteration (after warm-up) is more than {@code planner.measurements.slower-than-plan-threshold} (10 %) above the
 * plan's prediction, or when a rank's measured peak memory reaches into the headroom the plan kept free: above
 * capacity × (1 − headroom), the limit the planner holds every rank to ({@code RankMemory.fits}). It reads the
 * revision's summary and per-rank peaks, never the samples one by one. Each newly raised flag goes to the job's
 * webhook once.
 */
@Component
class MeasurementAlarms {

    private final MeasurementStore store;
    private final RevisionPlans revisions;
    private final Jobs jobs;
    private final Webhooks webhooks;
    private final ObjectMapper json;
    private final double slowerThreshold;

    MeasurementAlarms(
            MeasurementStore store,
            RevisionPlans revisions,
            Jobs jobs,
            Webhooks webhooks,
            ObjectMapper json,
            @Value("${planner.measurements.slower-than-plan-threshold:0.10}") double slowerThreshold) {
        if (!(slowerThreshold >= 0)) {
            throw new IllegalArgumentException(
                    "planner.measurements.slower-than-plan-threshold must be 0 or more, got " + slowerThreshold);
        }
        this.store = store;
        this.revisions = revisions;
        this.jobs = jobs;
        this.webhooks = webhooks;
        this.json = json;
        this.slowerThreshold = slowerThreshold;
    }

    /** Evaluates the job's latest revision, keeps the flags on the job and sends the newly raised ones. */
    void evaluate(TrainingJob job, long warmupSteps) {
        List<RevisionSummary> summaries = store.summaries(job.id(), warmupSteps);
        List<MeasurementFlag> raised =
                summaries.isEmpty() ? List.of() : flags(job.id(), summaries.get(summaries.size() - 1), Instant.now());
        List<MeasurementFlag> fresh = jobs.recordMeasurementFlags(job.id(), raised);
        if (job.webhookUrl() != null) {
            fresh.forEach(flag -> webhooks.send(job.webhookUrl(), payload(job, flag)));
        }
    }

    private List<MeasurementFlag> flags(UUID jobId, RevisionSummary latest, Instant now) {
        RevisionPlans.RevisionPlan plan = revisions.resolve(jobId, latest.planRevision(), "planRevision");
        List<MeasurementFlag> flags = new ArrayList<>();
        Double median = latest.medianIterationSeconds();
        double predicted = plan.predictedIterationSeconds();
        if (median != null && predicted > 0 && median > predicted * (1 + slowerThreshold)) {
            flags.add(new MeasurementFlag(
                    MeasurementFlag.SLOWER_THAN_PLAN,
                    plan.revision(),
                    plan.planId(),
                    now,
                    new MeasurementFlag.SlowerThanPlan(median, predicted, median / predicted - 1, slowerThreshold),
                    null));
        }
        nearestToCapacity(store.peakBytesByRank(jobId, plan.revision()), plan)
                .ifPresent(near -> flags.add(new MeasurementFlag(
                        MeasurementFlag.MEMORY_NEAR_CAPACITY, plan.revision(), plan.planId(), now, null, near)));
        return flags;
    }

    /** Of the ranks above their limit, the one whose peak is the largest share of its GPU; ranks without one skip. */
    private static Optional<MeasurementFlag.MemoryNearCapacity> nearestToCapacity(
            Map<Integer, Long> peaks, RevisionPlans.RevisionPlan plan) {
        List<MeasurementFlag.MemoryNearCapacity> over = new ArrayList<>();
        peaks.forEach((rank, bytes) -> {
            OptionalDouble capacity = plan.capacityBytes(rank);
            if (capacity.isEmpty()) {
                return;
            }
            double limit = capacity.getAsDouble() * (1 - plan.headroomFraction());
            if (bytes > limit) {
                over.add(new MeasurementFlag.MemoryNearCapacity(
                        rank, bytes, (long) capacity.getAsDouble(), plan.headroomFraction(), (long) limit));
            }
        });
        return over.stream()
                .max(Comparator.comparingDouble(near -> (double) near.peakMemoryBytes() / near.capacityBytes()));
    }

    /** The flag, and which job it belongs to. */
    private String payload(TrainingJob job, MeasurementFlag flag) {
        ObjectNode payload = json.valueToTree(flag);
        payload.put("jobId", job.id().toString());
        payload.put("jobName", job.name());
        try {
            return json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a measurement flag could not be serialised", e);
        }
    }
}
