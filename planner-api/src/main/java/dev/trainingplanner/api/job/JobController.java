package dev.trainingplanner.api.job;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Training jobs: cluster + model + goal + options; each keeps its current plan, nightly flags and the flags
 * its measurements raised. */
@RestController
@RequestMapping("/api/v1/jobs")
class JobController {

    private final Jobs jobs;

    JobController(Jobs jobs) {
        this.jobs = jobs;
    }

    record JobRequest(
            @NotBlank @Size(max = 200) String name,
            @NotBlank @Size(max = 200) String cluster,
            @NotBlank @Size(max = 200) String model,
            @NotNull @Valid PlanningGoal goal,
            @Valid PlanningOptions options,
            Boolean active,
            @Size(max = 2000) String webhookUrl) {}

    record JobUpdate(@NotNull Boolean active, @Size(max = 2000) String webhookUrl) {}

    record JobView(
            UUID id,
            String name,
            String cluster,
            String model,
            PlanningGoal goal,
            PlanningOptions options,
            boolean active,
            String webhookUrl,
            UUID currentPlanId,
            JobFlags flags,
            List<MeasurementFlag> measurementFlags,
            Instant createdAt) {}

    @PostMapping
    ResponseEntity<JobView> create(@Valid @RequestBody JobRequest request) {
        TrainingJob job = jobs.create(
                request.name(),
                new Jobs.JobSpec(request.cluster(), request.model(), request.goal(), request.options()),
                request.active() == null || request.active(),
                request.webhookUrl());
        return ResponseEntity.created(URI.create("/api/v1/jobs/" + job.id())).body(view(job));
    }

    @GetMapping
    List<JobView> list() {
        return jobs.all().stream().map(this::view).toList();
    }

    @GetMapping("/{id}")
    JobView get(@PathVariable UUID id) {
        return view(jobs.byId(id));
    }

    @PatchMapping("/{id}")
    JobView update(@PathVariable UUID id, @Valid @RequestBody JobUpdate update) {
        return view(jobs.update(id, update.active(), update.webhookUrl()));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable UUID id) {
        jobs.delete(id);
        return ResponseEntity.noContent().build();
    }

    private JobView view(TrainingJob job) {
        Jobs.JobSpec spec = jobs.spec(job);
        return new JobView(
                job.id(),
                job.name(),
                job.clusterName(),
                job.modelName(),
                spec.goal(),
                spec.options(),
                job.active(),
                job.webhookUrl(),
                job.currentPlanId(),
                jobs.flags(job),
                jobs.measurementFlags(job),
                job.createdAt());
    }
}
