package dev.trainingplanner.api.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.api.cluster.ClusterRepository;
import dev.trainingplanner.api.model.Models;
import dev.trainingplanner.api.problem.ClientMistake;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates, finds, changes and removes training jobs, checking that their cluster and model exist. The one place that
 * writes {@code training_job}: planning and re-planning adopt plans and record flags through it.
 */
@Service
public class Jobs {

    private final TrainingJobRepository repository;
    private final ClusterRepository clusters;
    private final Models models;
    private final ObjectMapper json;
    private final WebhookTargets webhookTargets;

    Jobs(
            TrainingJobRepository repository,
            ClusterRepository clusters,
            Models models,
            ObjectMapper json,
            WebhookTargets webhookTargets) {
        this.repository = repository;
        this.clusters = clusters;
        this.models = models;
        this.json = json;
        this.webhookTargets = webhookTargets;
    }

    /** A job's inputs as the planner needs them. */
    public record JobSpec(String cluster, String model, PlanningGoal goal, PlanningOptions options) {}

    @Transactional
    public TrainingJob create(String name, JobSpec spec, boolean active, String webhookUrl) {
        checkReferences(spec.cluster(), spec.model());
        checkWebhook(webhookUrl);
        TrainingJob job = new TrainingJob(
                UUID.randomUUID(),
                name,
                spec.cluster(),
                spec.model(),
                write(spec.goal()),
                write(spec.options() == null ? PlanningOptions.none() : spec.options()),
                active,
                webhookUrl,
                Instant.now());
        return repository.save(job);
    }

    @Transactional(readOnly = true)
    public TrainingJob byId(UUID id) {
        return repository.findById(id).orElseThrow(() -> ClientMistake.notFound("job " + id));
    }

    @Transactional(readOnly = true)
    public java.util.Optional<TrainingJob> find(UUID id) {
        return repository.findById(id);
    }

    /** The job named in a request body: an unknown id is a 422 naming {@code jobId}, not a 404 of the path. */
    @Transactional(readOnly = true)
    public TrainingJob byIdForReference(UUID id) {
        return repository
                .findById(id)
                .orElseThrow(() ->
                        new ClientMistake(HttpStatus.UNPROCESSABLE_ENTITY, "jobId", "job " + id + " does not exist"));
    }

    @Transactional(readOnly = true)
    public List<TrainingJob> all() {
        return repository.findAllByOrderByCreatedAt();
    }

    /** The ids of every job on the cluster, active or not. */
    @Transactional(readOnly = true)
    public List<UUID> idsOnCluster(String clusterName) {
        return repository.findIdsByClusterName(clusterName);
    }

    @Transactional(readOnly = true)
    public List<TrainingJob> active() {
        return repository.findByActiveTrue();
    }

    @Transactional
    public TrainingJob update(UUID id, boolean active, String webhookUrl) {
        checkWebhook(webhookUrl);
        TrainingJob job = repository.findByIdForUpdate(id).orElseThrow(() -> ClientMistake.notFound("job " + id));
        job.update(active, webhookUrl);
        return job;
    }

    /** Makes a finished plan the job's current plan; a job deleted in the meantime is left alone. */
    @Transactional
    public void adoptPlan(UUID jobId, UUID planId) {
        repository.findByIdForUpdate(jobId).ifPresent(job -> job.adoptPlan(planId));
    }

    /**
     * Keeps the outcome of a re-planning on the job and, with {@code adopt}, makes its plan the job's current plan, in
     * one change; a job deleted in the meantime is left alone.
     */
    @Transactional
    public void recordReplanning(UUID jobId, JobFlags outcome, boolean adopt) {
        repository.findByIdForUpdate(jobId).ifPresent(job -> {
            job.flag(write(outcome));
            if (adopt) {
                job.adoptPlan(outcome.planId());
            }
        });
    }

    /** The outcome of the job's latest re-planning, or null before the first. */
    public JobFlags flags(TrainingJob job) {
        try {
            return job.flagsJson() == null ? null : json.readValue(job.flagsJson(), JobFlags.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("job " + job.id() + " holds unreadable flags", e);
        }
    }

    /**
     * Keeps {@code raised} as the job's measurement flags and answers those that were not raised before (by kind and
     * revision); a flag raised before keeps its first {@code raisedAt}. Under the job's row lock, so that of two uploads
     * evaluated at once only one sees a flag as new. A job deleted in the meantime raises nothing.
     */
    @Transactional
    public List<MeasurementFlag> recordMeasurementFlags(UUID jobId, List<MeasurementFlag> raised) {
        return repository
                .findByIdForUpdate(jobId)
                .map(job -> {
                    List<MeasurementFlag> before = measurementFlags(job);
                    List<MeasurementFlag> kept = new ArrayList<>();
                    List<MeasurementFlag> fresh = new ArrayList<>();
                    for (MeasurementFlag flag : raised) {
                        before.stream()
                                .filter(flag::sameFlagAs)
                                .findFirst()
                                .ifPresentOrElse(earlier -> kept.add(flag.raisedAt(earlier.raisedAt())), () -> {
                                    kept.add(flag);
                                    fresh.add(flag);
                                });
                    }
                    job.flagMeasurements(write(kept));
                    return fresh;
                })
                .orElse(List.of());
    }

    /** The flags the job's latest measurements raised; empty when none (or before any measurement). */
    public List<MeasurementFlag> measurementFlags(TrainingJob job) {
        try {
            return job.measurementFlagsJson() == null
                    ? List.of()
                    : json.readValue(job.measurementFlagsJson(), new TypeReference<List<MeasurementFlag>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("job " + job.id() + " holds unreadable measurement flags", e);
        }
    }

    @Transactional
    public void delete(UUID id) {
        repository.delete(byId(id));
    }

    public JobSpec spec(TrainingJob job) {
        try {
            return new JobSpec(
                    job.clusterName(),
                    job.modelName(),
                    json.readValue(job.goalJson(), PlanningGoal.class),
                    json.readValue(job.optionsJson(), PlanningOptions.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("job " + job.id() + " holds unreadable settings", e);
        }
    }

    /** 422 naming the field when a referenced cluster or model is not registered. */
    public void checkReferences(String cluster, String model) {
        if (!clusters.existsByName(cluster)) {
            throw new ClientMistake(
                    HttpStatus.UNPROCESSABLE_ENTITY, "cluster", "cluster '" + cluster + "' is not registered");
        }
        if (!models.exists(model)) {
            throw new ClientMistake(
                    HttpStatus.UNPROCESSABLE_ENTITY,
                    "model",
                    "model '" + model + "' is neither a preset nor a custom model (see GET /api/v1/models)");
        }
    }

    private void checkWebhook(String url) {
        if (url != null) {
            webhookTargets.check(url);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("job settings could not be serialised", e);
        }
    }
}
