package dev.trainingplanner.api.replanning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainingplanner.api.estimation.Estimator;
import dev.trainingplanner.api.job.JobFlags;
import dev.trainingplanner.api.job.Jobs;
import dev.trainingplanner.api.job.TrainingJob;
import dev.trainingplanner.api.model.Models;
import dev.trainingplanner.api.planning.LaunchPlan;
import dev.trainingplanner.api.planning.PlanExecution;
import dev.trainingplanner.api.planning.PlanRun;
import dev.trainingplanner.api.planning.PlanRuns;
import dev.trainingplanner.api.planning.PlanSpec;
import dev.trainingplanner.api.planning.PlanStatus;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * When a nightly or "re-plan now" solve completes, stores a plan revision: which layout knobs changed, which ranks
 * moved, the current plan's predicted time on the latest profile (before) and the new plan's (after), and flags the
 * job when its current plan no longer fits or is at least {@code planner.replanning.slower-threshold} (5 %) slower than
 * the new best. Flags also go to the job's webhook. Recording is idempotent (one revision per plan).
 */
@Component
class RevisionRecorder {

    static final String NO_LONGER_FITS = "current-plan-no-longer-fits";
    static final String SLOWER = "current-plan-slower-than-new-best";
    static final String NIGHTLY_SOLVE_FAILED = "nightly-solve-failed";

    private final PlanRevisions revisions;
    private final TransactionTemplate transactions;
    private final PlanRuns runs;
    private final Jobs jobs;
    private final Models models;
    private final Estimator estimator;
    private final Webhooks webhooks;
    private final ObjectMapper json;
    private final double slowerThreshold;
    private final ZoneId zone;

    RevisionRecorder(
            PlanRevisions revisions,
            TransactionTemplate transactions,
            PlanRuns runs,
            Jobs jobs,
            Models models,
            Estimator estimator,
            Webhooks webhooks,
            ObjectMapper json,
            @Value("${planner.replanning.slower-threshold:0.05}") double slowerThreshold,
            @Value("${planner.replanning.zone:UTC}") ZoneId zone) {
        this.revisions = revisions;
        this.transactions = transactions;
        this.runs = runs;
        this.jobs = jobs;
        this.models = models;
        this.estimator = estimator;
        this.webhooks = webhooks;
        this.json = json;
        this.slowerThreshold = slowerThreshold;
        this.zone = zone;
    }

    @EventListener
    void planFinished(PlanExecution.PlanFinished finished) {
        boolean nightly = NightlyReplanning.NIGHTLY.equals(finished.purpose());
        boolean now = NightlyReplanning.REPLAN_NOW.equals(finished.purpose());
        boolean solved = finished.status() == PlanStatus.COMPLETED;
        boolean failedNightly = nightly && finished.status() == PlanStatus.FAILED;
        if ((!nightly && !now) || finished.jobId() == null || !(solved || failedNightly)) {
            return;
        }
        Optional<TrainingJob> job = jobs.find(finished.jobId());
        if (job.isEmpty()) {
            return;
        }
        PlanRun newRun = runs.byId(finished.planId());
        JsonNode newResult = solved ? read(newRun.resultJson()) : null;
        LaunchPlan after = solved ? json.convertValue(newResult.get("launch"), LaunchPlan.class) : null;
        Double afterSeconds =
                solved ? newResult.get("predictedIterationSeconds").asDouble() : null;

        ObjectNode changes = json.createObjectNode();
        List<String> flags = new ArrayList<>();
        if (!solved) {
            flags.add(NIGHTLY_SOLVE_FAILED);
            changes.put("newPlanFailure", newRun.failureReason());
        }
        Double beforeSeconds = null;
        UUID currentPlanId = job.get().currentPlanId();
        Optional<PlanRun> current = currentPlanId == null ? Optional.empty() : runs.find(currentPlanId);
        if (current.isPresent() && current.get().resultJson() != null) {
            LaunchPlan before =
                    json.convertValue(read(current.get().resultJson()).get("launch"), LaunchPlan.class);
            changes.put("previousPlanId", currentPlanId.toString());
            if (after != null) {
                changes.set("layoutChanges", layoutChanges(before, after));
                changes.set("movedRanks", movedRanks(before, after));
            }
            PlanSpec spec = runs.spec(current.get());
            try {
                ObjectNode rescored = estimator.evaluate(
                        spec.cluster(),
                        models.byName(spec.model()).spec(),
                        before.globalBatchSequences(),
                        before.microBatchSequences(),
                        before.precision(),
                        Estimator.layout(
                                before.tensorParallel(),
                                before.pipelineParallel(),
                                before.dataParallel(),
                                before.contextParallel(),
                                before.virtualPipelineStages(),
                                before.sequenceParallel(),
                                before.recompute(),
                                before.zeroStage(),
                                before.hpzPartitionSize(),
                                before.quantizedWeights(),
                                before.quantizedGradients()),
                        before.ranks());
                beforeSeconds = rescored.get("iterationTimeSeconds").asDouble();
                if (!rescored.get("feasible").asBoolean()) {
                    flags.add(NO_LONGER_FITS);
                    changes.set("currentPlanViolations", rescored.get("violations"));
                }
            } catch (RuntimeException noLongerValid) {
                flags.add(NO_LONGER_FITS);
                changes.put("currentPlanProblem", noLongerValid.getMessage());
            }
            if (beforeSeconds != null
                    && afterSeconds != null
                    && beforeSeconds >= afterSeconds * (1 + slowerThreshold)) {
                flags.add(SLOWER);
            }
        } else if (solved) {
            changes.put("previousPlanId", (String) null);
            changes.put("note", "the job had no plan before; the new plan becomes its current plan");
        }
        LocalDate night = nightly ? LocalDate.ofInstant(newRun.createdAt(), zone) : null;
        Instant recordedAt = Instant.now();
        PlanRevisions.Revision revision = new PlanRevisions.Revision(
                finished.planId(), night, recordedAt, changes, beforeSeconds, afterSeconds, flags);
        JobFlags outcome =
                new JobFlags(finished.planId(), finished.purpose(), flags, beforeSeconds, afterSeconds, recordedAt);
        boolean adopt = solved && (now || currentPlanId == null);
        // The revision and the job's flags (and plan) change together: a replica dying in between leaves neither, and
        // the revived execution records both. Only the first recording of a plan flags the job.
        Boolean recorded = transactions.execute(status -> {
            if (!revisions.insert(finished.jobId(), revision)) {
                return false;
            }
            jobs.recordReplanning(finished.jobId(), outcome, adopt);
            return true;
        });
        if (Boolean.TRUE.equals(recorded) && !flags.isEmpty() && job.get().webhookUrl() != null) {
            ObjectNode payload = json.valueToTree(outcome);
            payload.put("jobId", finished.jobId().toString());
            payload.put("jobName", job.get().name());
            webhooks.send(job.get().webhookUrl(), write(payload));
        }
    }

    private ArrayNode layoutChanges(LaunchPlan before, LaunchPlan after) {
        ArrayNode changes = json.createArrayNode();
        knob(changes, "tensorParallel", before.tensorParallel(), after.tensorParallel());
        knob(changes, "pipelineParallel", before.pipelineParallel(), after.pipelineParallel());
        knob(changes, "dataParallel", before.dataParallel(), after.dataParallel());
        knob(changes, "contextParallel", before.contextParallel(), after.contextParallel());
        knob(changes, "virtualPipelineStages", before.virtualPipelineStages(), after.virtualPipelineStages());
        knob(changes, "sequenceParallel", before.sequenceParallel(), after.sequenceParallel());
        knob(changes, "microBatchSequences", before.microBatchSequences(), after.microBatchSequences());
        knob(changes, "zeroStage", before.zeroStage(), after.zeroStage());
        knob(changes, "hpzPartitionSize", before.hpzPartitionSize(), after.hpzPartitionSize());
        knob(changes, "quantizedWeights", before.quantizedWeights(), after.quantizedWeights());
        knob(changes, "quantizedGradients", before.quantizedGradients(), after.quantizedGradients());
        knob(changes, "recompute", before.recompute(), after.recompute());
        return changes;
    }

    private static void knob(ArrayNode changes, String name, Object before, Object after) {
        if (!before.equals(after)) {
            changes.addObject()
                    .put("knob", name)
                    .put("before", before.toString())
                    .put("after", after.toString());
        }
    }

    /** Ranks whose node or GPU differs; at most 100 listed, all counted. */
    private ObjectNode movedRanks(LaunchPlan before, LaunchPlan after) {
        ObjectNode moved = json.createObjectNode();
        ArrayNode list = moved.putArray("examples");
        int count = 0;
        for (int r = 0; r < after.ranks().size(); r++) {
            LaunchPlan.RankPlacement now = after.ranks().get(r);
            LaunchPlan.RankPlacement was =
                    r < before.ranks().size() ? before.ranks().get(r) : null;
            if (was == null || !was.node().equals(now.node()) || was.gpu() != now.gpu()) {
                count++;
                if (list.size() < 100) {
                    list.addObject()
                            .put("rank", r)
                            .put("from", was == null ? null : was.node() + "/" + was.gpu())
                            .put("to", now.node() + "/" + now.gpu());
                }
            }
        }
        moved.put("count", count);
        return moved;
    }

    private JsonNode read(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored plan could not be read back", e);
        }
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a revision could not be serialised", e);
        }
    }
}
