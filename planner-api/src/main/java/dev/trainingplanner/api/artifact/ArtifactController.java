package dev.trainingplanner.api.artifact;

import dev.trainingplanner.api.model.Models;
import dev.trainingplanner.api.planning.PlanRun;
import dev.trainingplanner.api.planning.PlanRuns;
import dev.trainingplanner.api.planning.PlanStatus;
import dev.trainingplanner.api.planning.StoredPlans;
import dev.trainingplanner.api.problem.ClientMistake;
import dev.trainingplanner.engine.launch.ArtifactKind;
import dev.trainingplanner.engine.output.PlanLaunch;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Launch artifacts of a completed plan: {@code megatron-args} (text), {@code deepspeed-config} (JSON),
 * {@code hostfile} (text) and {@code rank-map} (JSON: per node CUDA_VISIBLE_DEVICES, ranks and torchrun command). The
 * engine generates them from the stored plan document, as it generates plan.json's launch section; this only serves
 * them.
 */
@RestController
class ArtifactController {

    private final PlanRuns runs;
    private final StoredPlans stored;
    private final Models models;

    ArtifactController(PlanRuns runs, StoredPlans stored, Models models) {
        this.runs = runs;
        this.stored = stored;
        this.models = models;
    }

    @GetMapping("/api/v1/plans/{id}/artifacts/{kind}")
    ResponseEntity<String> artifact(@PathVariable UUID id, @PathVariable String kind) {
        ArtifactKind artifact;
        try {
            artifact = ArtifactKind.parse(kind);
        } catch (IllegalArgumentException unknown) {
            throw ClientMistake.invalid("kind", unknown.getMessage());
        }
        PlanRun run = runs.byId(id);
        if (run.status() != PlanStatus.COMPLETED || run.resultJson() == null) {
            throw new ClientMistake(HttpStatus.CONFLICT, null, withoutArtifacts(run));
        }
        String body;
        try {
            body = PlanLaunch.artifacts(
                            stored.document(run),
                            models.byName(runs.spec(run).model()).spec())
                    .render(artifact);
        } catch (IllegalArgumentException unsafe) {
            // A plan stored before node names were checked may name a node no launch file can hold safely.
            throw new ClientMistake(HttpStatus.CONFLICT, null, "plan " + id + ": " + unsafe.getMessage());
        }
        return ResponseEntity.ok()
                .contentType(artifact.json() ? MediaType.APPLICATION_JSON : MediaType.TEXT_PLAIN)
                .body(body);
    }

    /** Why a run has no artifacts: it failed or was stopped (for good), or it is still on its way. */
    private static String withoutArtifacts(PlanRun run) {
        String plan = "plan " + run.id();
        return switch (run.status()) {
            case FAILED -> plan + " failed: " + run.failureReason();
            case CANCELLED -> plan + " was cancelled" + (run.failureReason() == null ? "" : ": " + run.failureReason());
            default -> plan + " has no result yet (" + run.status() + ")";
        };
    }
}
