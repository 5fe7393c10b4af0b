package dev.trainingplanner.api.artifact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.api.model.Models;
import dev.trainingplanner.api.planning.LaunchPlan;
import dev.trainingplanner.api.planning.PlanRun;
import dev.trainingplanner.api.planning.PlanRuns;
import dev.trainingplanner.api.planning.PlanStatus;
import dev.trainingplanner.api.problem.ClientMistake;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Launch artifacts of a completed plan: {@code megatron-args} (text), {@code deepspeed-config} (JSON),
 * {@code hostfile} (text) and {@code rank-map} (JSON: per node CUDA_VISIBLE_DEVICES, ranks and torchrun command).
 */
@RestController
class ArtifactController {

    static final List<String> KINDS = List.of("megatron-args", "deepspeed-config", "hostfile", "rank-map");

    private final PlanRuns runs;
    private final Models models;
    private final ObjectMapper json;
    private final LaunchArtifacts artifacts;

    ArtifactController(PlanRuns runs, Models models, ObjectMapper json) {
        this.runs = runs;
        this.models = models;
        this.json = json;
        this.artifacts = new LaunchArtifacts(json);
    }

    @GetMapping("/api/v1/plans/{id}/artifacts/{kind}")
    ResponseEntity<String> artifact(@PathVariable UUID id, @PathVariable String kind) throws JsonProcessingException {
        if (!KINDS.contains(kind)) {
            throw ClientMistake.invalid("kind", "unknown artifact kind '" + kind + "'; use one of " + KINDS);
        }
        PlanRun run = runs.byId(id);
        if (run.status() != PlanStatus.COMPLETED || run.resultJson() == null) {
            throw new ClientMistake(
                    HttpStatus.CONFLICT, null, "plan " + id + " has no result yet (" + run.status() + ")");
        }
        JsonNode result = json.readTree(run.resultJson());
        LaunchPlan launch = json.treeToValue(result.get("launch"), LaunchPlan.class);
        return switch (kind) {
            case "megatron-args" -> text(artifacts.megatronArguments(
                    launch, models.byName(runs.spec(run).model()).spec()));
            case "deepspeed-config" -> jsonBody(artifacts.deepSpeedConfig(launch));
            case "hostfile" -> text(artifacts.hostfile(launch));
            default -> jsonBody(artifacts.rankMap(launch));
        };
    }

    private static ResponseEntity<String> text(String body) {
        return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(body);
    }

    private ResponseEntity<String> jsonBody(JsonNode body) throws JsonProcessingException {
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .body(json.writerWithDefaultPrettyPrinter().writeValueAsString(body));
    }
}
