package dev.trainingplanner.api.planning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.api.correction.CorrectionsUsed;
import dev.trainingplanner.api.job.Jobs;
import dev.trainingplanner.api.job.PlanningGoal;
import dev.trainingplanner.api.job.PlanningOptions;
import dev.trainingplanner.api.job.TrainingJob;
import dev.trainingplanner.api.problem.ClientMistake;
import dev.trainingplanner.engine.output.PlanDocument;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Asynchronous solves: {@code POST} answers 202 with a Location, {@code GET} gives status, progress, the best plan so
 * far and the result, {@code DELETE} stops a solve.
 */
@RestController
@RequestMapping("/api/v1/plans")
class PlanController {

    private final PlanRuns runs;
    private final Jobs jobs;
    private final StoredPlans stored;
    private final PlanAdmission admission;
    private final ObjectMapper json;

    PlanController(PlanRuns runs, Jobs jobs, StoredPlans stored, PlanAdmission admission, ObjectMapper json) {
        this.runs = runs;
        this.jobs = jobs;
        this.stored = stored;
        this.admission = admission;
        this.json = json;
    }

    /** Either {@code jobId} (plan that job) or cluster + model + goal (+ options) for a stand-alone plan. */
    record PlanRequestBody(
            UUID jobId,
            @Size(max = 200) String cluster,
            @Size(max = 200) String model,
            @Valid PlanningGoal goal,
            @Valid PlanningOptions options) {}

    record PlanView(
            UUID id,
            UUID jobId,
            String cluster,
            PlanStatus status,
            double progress,
            int attempts,
            PlanSpec request,
            @Schema(
                            description = "while solving, the search's best placement; once the solve ended, the plan"
                                    + " document",
                            oneOf = {PlanSolver.SearchBest.class, PlanDocument.class})
                    JsonNode bestSoFar,
            ServedResult result,
            String failureReason,
            String solvingReplica,
            Instant createdAt,
            Instant startedAt,
            Instant finishedAt) {}

    /**
     * A finished plan as served: the stored document with the {@link LaunchPlan} view derived from it.
     *
     * @param plan the engine's plan document
     * @param launch the launch knobs and rank order, derived from the document when served
     * @param predictedIterationSeconds predicted time of one optimizer step
     * @param corrections the version of the cluster's correction set the plan was computed with and the corrections
     *     that changed its numbers, with the runs behind each (null for a plan computed before plans recorded them)
     */
    record ServedResult(
            @Schema(implementation = PlanDocument.class) JsonNode plan,
            LaunchPlan launch,
            double predictedIterationSeconds,
            @Schema(implementation = CorrectionsUsed.class) JsonNode corrections) {}

    /**
     * One plan in the list: what was asked (model, GPUs) and, once completed, the chosen layout in one line and its
     * predicted iteration time (null before).
     *
     * @param gpus the requested GPU count (with the cost-per-token objective the most the run may use)
     * @param layout the chosen layout's one-line summary, e.g. {@code tp4 pp2 dp4 mb2 zero1}
     * @param iterationTimeSeconds predicted time of one optimizer step
     */
    record PlanSummary(
            UUID id,
            UUID jobId,
            String cluster,
            String model,
            int gpus,
            PlanStatus status,
            double progress,
            String layout,
            Double iterationTimeSeconds,
            Instant createdAt) {}

    /**
     * The values a plan request gets for what it leaves out, from the engine's defaults: the one source the dashboard's
     * New-plan form and the {@code plan} command read.
     */
    record PlanDefaults(String framework, String objective, PlanningOptions options) {}

    @PostMapping
    ResponseEntity<PlanSummary> start(@Valid @RequestBody PlanRequestBody body) {
        PlanSpec spec;
        UUID jobId = body.jobId();
        if (jobId != null) {
            if (body.cluster() != null || body.model() != null || body.goal() != null || body.options() != null) {
                throw ClientMistake.invalid("jobId", "give either jobId or cluster/model/goal/options, not both");
            }
            TrainingJob job = jobs.byIdForReference(jobId);
            Jobs.JobSpec jobSpec = jobs.spec(job);
            spec = new PlanSpec(jobSpec.cluster(), jobSpec.model(), jobSpec.goal(), jobSpec.options(), "request");
        } else {
            require(body.cluster(), "cluster");
            require(body.model(), "model");
            if (body.goal() == null) {
                throw ClientMistake.invalid("goal", "goal is required for a plan without jobId");
            }
            jobs.checkReferences(body.cluster(), body.model());
            spec = new PlanSpec(
                    body.cluster(),
                    body.model(),
                    body.goal(),
                    body.options() == null ? PlanningOptions.none() : body.options(),
                    "request");
        }
        admission.check(spec);
        PlanRun run = runs.start(spec, jobId);
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .location(URI.create("/api/v1/plans/" + run.id()))
                .body(summary(run));
    }

    @GetMapping
    List<PlanSummary> list(
            @RequestParam(required = false) UUID jobId,
            @RequestParam(defaultValue = "50") @Positive @Max(500) int limit) {
        if (limit < 1 || limit > 500) {
            throw ClientMistake.invalid("limit", "limit must be between 1 and 500");
        }
        return runs.recent(jobId, limit).stream().map(this::summary).toList();
    }

    @GetMapping("/defaults")
    PlanDefaults defaults() {
        return new PlanDefaults(
                PlanningGoal.DEFAULT_FRAMEWORK, PlanningGoal.ITERATION_TIME, PlanningOptions.defaults());
    }

    @GetMapping("/{id}")
    PlanView get(@PathVariable UUID id) {
        return view(runs.byId(id));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<PlanView> stop(@PathVariable UUID id) {
        PlanRun run = runs.stop(id);
        return ResponseEntity.status(run.status().finished() ? HttpStatus.OK : HttpStatus.ACCEPTED)
                .body(view(run));
    }

    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ClientMistake.invalid(field, field + " is required for a plan without jobId");
        }
    }

    private PlanSummary summary(PlanRun run) {
        PlanSpec spec = runs.spec(run);
        PlanDocument document = run.resultJson() == null ? null : stored.document(run);
        boolean planned = document != null && document.layout() != null && document.estimate() != null;
        return new PlanSummary(
                run.id(),
                run.jobId(),
                run.clusterName(),
                spec.model(),
                spec.goal().gpus(),
                run.status(),
                run.progress(),
                planned ? document.layout().summary() : null,
                planned ? document.estimate().iterationTimeSeconds() : null,
                run.createdAt());
    }

    private PlanView view(PlanRun run) {
        return new PlanView(
                run.id(),
                run.jobId(),
                run.clusterName(),
                run.status(),
                run.progress(),
                run.attempts(),
                runs.spec(run),
                tree(run.bestPlanJson()),
                result(run),
                run.failureReason(),
                run.solvingReplica(),
                run.createdAt(),
                run.startedAt(),
                run.finishedAt());
    }

    /** The stored result with the {@link LaunchPlan} view of its plan document under {@code launch}. */
    private ServedResult result(PlanRun run) {
        if (run.resultJson() == null) {
            return null;
        }
        JsonNode result = stored.result(run);
        return new ServedResult(
                result.get("plan"),
                LaunchPlan.of(stored.document(run)),
                result.get("predictedIterationSeconds").asDouble(),
                result.get("corrections"));
    }

    private JsonNode tree(String text) {
        try {
            return text == null ? null : json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored plan could not be read back", e);
        }
    }
}
