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
import dev.trainingplanner.api.job.Webhooks;
import dev.trainingplanner.api.measurement.MeasuredRun;
import dev.trainingplanner.api.measurement.Measurements;
import dev.trainingplanner.api.planning.PlanExecution;
import dev.trainingplanner.api.planning.PlanRun;
import dev.trainingplanner.api.planning.PlanRuns;
import dev.trainingplanner.api.planning.PlanStatus;
import dev.trainingplanner.api.planning.StoredPlans;
import dev.trainingplanner.costmodel.layout.GradientCoding;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.PartitionGroups;
import dev.trainingplanner.engine.output.LayoutCodec;
import dev.trainingplanner.engine.output.PlanDocument;
import dev.trainingplanner.engine.output.PlanDocument.RankPlacement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * When a nightly or "re-plan now" solve completes, stores a plan revision: which layout knobs changed, which ranks
 * moved, the current plan's predicted time on the latest profile and corrections (before) and the new plan's (after),
 * the correction versions of both plans with the corrections the new one applied, the prediction error of the current
 * plan against what its runs measured (median after warm-up over its prediction when planned), and flags the
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
    private final Estimator estimator;
    private final StoredPlans stored;
    private final Webhooks webhooks;
    private final Measurements measurements;
    private final ObjectMapper json;
    private final double slowerThreshold;
    private final ZoneId zone;

    RevisionRecorder(
            PlanRevisions revisions,
            TransactionTemplate transactions,
            PlanRuns runs,
            Jobs jobs,
            Estimator estimator,
            StoredPlans stored,
            Webhooks webhooks,
            Measurements measurements,
            ObjectMapper json,
            @Value("${planner.replanning.slower-threshold:0.05}") double slowerThreshold,
            @Value("${planner.replanning.zone:UTC}") ZoneId zone) {
        this.revisions = revisions;
        this.transactions = transactions;
        this.runs = runs;
        this.jobs = jobs;
        this.estimator = estimator;
        this.stored = stored;
        this.webhooks = webhooks;
        this.measurements = measurements;
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
        PlanDocument after = solved ? stored.document(newRun) : null;
        Double afterSeconds = solved ? after.estimate().iterationTimeSeconds() : null;

        ObjectNode changes = json.createObjectNode();
        List<String> flags = new ArrayList<>();
        if (!solved) {
            flags.add(NIGHTLY_SOLVE_FAILED);
            changes.put("newPlanFailure", newRun.failureReason());
        }
        Double beforeSeconds = null;
        Double measuredSeconds = null;
        Double predictedSeconds = null;
        String previousVersion = null;
        UUID currentPlanId = job.get().currentPlanId();
        Optional<PlanRun> current = currentPlanId == null ? Optional.empty() : runs.find(currentPlanId);
        if (current.isPresent() && current.get().resultJson() != null) {
            PlanDocument before = stored.document(current.get());
            changes.put("previousPlanId", currentPlanId.toString());
            previousVersion = correctionVersion(current.get());
            Optional<MeasuredRun> measured = measurements.runOfPlan(job.get(), currentPlanId);
            if (measured.isPresent()) {
                measuredSeconds = measured.get().medianIterationSeconds();
                predictedSeconds = before.estimate().iterationTimeSeconds();
            }
            if (after != null) {
                changes.set("layoutChanges", layoutChanges(before, after));
                changes.set("movedRanks", movedRanks(before, after));
            }
            try {
                ObjectNode rescored = estimator.evaluate(runs.spec(current.get()), before);
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
        if (solved) {
            JsonNode used = stored.result(newRun).path("corrections");
            ObjectNode corrections = changes.putObject("corrections");
            corrections.put("previousVersion", previousVersion);
            corrections.put("version", correctionVersion(newRun));
            corrections.set("applied", used.path("applied").isArray() ? used.get("applied") : json.createArrayNode());
        }
        LocalDate night = nightly ? LocalDate.ofInstant(newRun.createdAt(), zone) : null;
        Instant recordedAt = Instant.now();
        PlanRevisions.Revision revision = new PlanRevisions.Revision(
                finished.planId(),
                night,
                recordedAt,
                changes,
                beforeSeconds,
                afterSeconds,
                flags,
                measuredSeconds,
                predictedSeconds,
                measuredSeconds == null ? null : measuredSeconds / predictedSeconds - 1);
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

    /** The correction version a plan recorded; null for a plan computed before plans recorded one. */
    private String correctionVersion(PlanRun run) {
        JsonNode version = stored.result(run).at("/corrections/version");
        return version.isTextual() ? version.asText() : null;
    }

    /** The layout knobs that differ, named as in the served launch view ({@code result.launch}). */
    private ArrayNode layoutChanges(PlanDocument before, PlanDocument after) {
        Layout was = LayoutCodec.layout(before.layout());
        Layout now = LayoutCodec.layout(after.layout());
        ArrayNode changes = json.createArrayNode();
        knob(changes, "tensorParallel", was.tp(), now.tp());
        knob(changes, "pipelineParallel", was.pp(), now.pp());
        knob(changes, "dataParallel", was.dp(), now.dp());
        knob(changes, "contextParallel", was.cp(), now.cp());
        knob(changes, "virtualPipelineStages", was.virtualStages(), now.virtualStages());
        knob(changes, "sequenceParallel", was.sequenceParallel(), now.sequenceParallel());
        knob(
                changes,
                "microBatchSequences",
                before.layout().microBatchSequences(),
                after.layout().microBatchSequences());
        knob(changes, "zeroStage", was.zeroStage(), now.zeroStage());
        knob(
                changes,
                "hpzPartitionSize",
                was.zeroPlusPlus().hpzGroupSize(),
                now.zeroPlusPlus().hpzGroupSize());
        knob(
                changes,
                "quantizedWeights",
                was.zeroPlusPlus().quantizedWeights(),
                now.zeroPlusPlus().quantizedWeights());
        knob(
                changes,
                "quantizedGradients",
                was.zeroPlusPlus().quantizedGradients(),
                now.zeroPlusPlus().quantizedGradients());
        knob(changes, "recompute", before.layout().recompute(), after.layout().recompute());
        knob(changes, "stageLayerCounts", was.stageLayerCounts(), now.stageLayerCounts());
        knob(changes, "partitionGroups", groups(was), groups(now));
        knob(changes, "gradientCoding", coding(was), coding(now));
        knob(changes, "ladderLayers", was.ladderLayers(), now.ladderLayers());
        return changes;
    }

    /** Weights/gradients/optimizer-state partition group sizes (0 = ZeRO's default). */
    private static String groups(Layout layout) {
        PartitionGroups g = layout.partitionGroups();
        return g.weightsGroupSize() + "/" + g.gradientsGroupSize() + "/" + g.optimizerStatesGroupSize();
    }

    private static String coding(Layout layout) {
        GradientCoding c = layout.gradientCoding();
        return c.isNone() ? "none" : c.scheme().name().toLowerCase(Locale.ROOT) + " " + c.parameters();
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
    private ObjectNode movedRanks(PlanDocument before, PlanDocument after) {
        ObjectNode moved = json.createObjectNode();
        ArrayNode list = moved.putArray("examples");
        int count = 0;
        for (int r = 0; r < after.placement().size(); r++) {
            RankPlacement now = after.placement().get(r);
            RankPlacement was =
                    r < before.placement().size() ? before.placement().get(r) : null;
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

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a revision could not be serialised", e);
        }
    }
}
