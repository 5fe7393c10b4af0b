package dev.trainingplanner.api.measurement;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.api.problem.ClientMistake;
import dev.trainingplanner.api.security.Caller;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Measured training steps of a job: the profiler agent's watch mode (agent token of the job's cluster) or a scheduler
 * uploads them; readers get them back with per-revision summaries.
 */
@RestController
@RequestMapping("/api/v1/jobs/{id}/measurements")
class MeasurementController {

    static final int DEFAULT_PAGE = 1_000;
    static final int MAX_PAGE = 10_000;

    private final Measurements measurements;

    MeasurementController(Measurements measurements) {
        this.measurements = measurements;
    }

    /** 201 when at least one sample was new, 200 when every sample was stored before. */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Measurements.IngestResult> upload(
            @PathVariable UUID id,
            // Read as a tree so that each mistake names its sample and field (SampleReader); documented as its shape.
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            description = "one sample, or an array of 1 to 1,000",
                            content = @Content(schema = @Schema(oneOf = {MeasuredStep.class, MeasuredStep[].class})))
                    @RequestBody
                    JsonNode body,
            @AuthenticationPrincipal Caller caller) {
        Measurements.IngestResult result = measurements.ingest(id, body, caller);
        return ResponseEntity.status(result.stored().isEmpty() ? HttpStatus.OK : HttpStatus.CREATED)
                .body(result);
    }

    @GetMapping
    Measurements.MeasurementsView read(
            @PathVariable UUID id,
            @RequestParam(required = false) Integer revision,
            @RequestParam(defaultValue = "0") long offset,
            @RequestParam(defaultValue = "" + DEFAULT_PAGE) int limit) {
        if (offset < 0) {
            throw ClientMistake.invalid("offset", "offset must not be negative");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw ClientMistake.invalid("limit", "limit must be from 1 to " + MAX_PAGE);
        }
        if (revision != null && revision < 1) {
            throw ClientMistake.invalid("revision", "plan revisions are numbered from 1");
        }
        return measurements.read(id, revision, offset, limit);
    }
}
