package dev.trainingplanner.api.replanning;

import dev.trainingplanner.api.job.Jobs;
import dev.trainingplanner.api.planning.PlanRun;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** "Re-plan now" per job, and the job's plan revisions (newest first). */
@RestController
@RequestMapping("/api/v1/jobs/{id}")
class ReplanController {

    private final NightlyReplanning replanning;
    private final Jobs jobs;
    private final PlanRevisions revisions;

    ReplanController(NightlyReplanning replanning, Jobs jobs, PlanRevisions revisions) {
        this.replanning = replanning;
        this.jobs = jobs;
        this.revisions = revisions;
    }

    record Started(UUID planId, String status) {}

    @PostMapping("/replan")
    ResponseEntity<Started> replanNow(@PathVariable UUID id) {
        PlanRun run = replanning.replanNow(id);
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .location(URI.create("/api/v1/plans/" + run.id()))
                .body(new Started(run.id(), run.status().name()));
    }

    @GetMapping("/revisions")
    List<PlanRevisions.Revision> revisions(@PathVariable UUID id) {
        jobs.byId(id);
        return revisions.ofJob(id);
    }
}
