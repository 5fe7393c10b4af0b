package dev.trainingplanner.api.replanning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.api.job.Jobs;
import dev.trainingplanner.api.planning.PlanRun;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
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
    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    ReplanController(NightlyReplanning replanning, Jobs jobs, JdbcTemplate jdbc, ObjectMapper json) {
        this.replanning = replanning;
        this.jobs = jobs;
        this.jdbc = jdbc;
        this.json = json;
    }

    record Started(UUID planId, String status) {}

    record Revision(
            UUID planId,
            LocalDate night,
            Instant createdAt,
            JsonNode changes,
            Double predictedBeforeSeconds,
            Double predictedAfterSeconds,
            JsonNode flags) {}

    @PostMapping("/replan")
    ResponseEntity<Started> replanNow(@PathVariable UUID id) {
        PlanRun run = replanning.replanNow(id);
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .location(URI.create("/api/v1/plans/" + run.id()))
                .body(new Started(run.id(), run.status().name()));
    }

    @GetMapping("/revisions")
    List<Revision> revisions(@PathVariable UUID id) {
        jobs.byId(id);
        return jdbc.query(
                """
                select plan_id, night, created_at, changes, predicted_before_seconds, predicted_after_seconds, flags
                from plan_revision where job_id = ? order by created_at desc limit 200""",
                (rs, i) -> new Revision(
                        rs.getObject(1, UUID.class),
                        rs.getDate(2) == null ? null : rs.getDate(2).toLocalDate(),
                        rs.getTimestamp(3).toInstant(),
                        tree(rs.getString(4)),
                        (Double) rs.getObject(5),
                        (Double) rs.getObject(6),
                        tree(rs.getString(7))),
                id);
    }

    private JsonNode tree(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored revision could not be read back", e);
        }
    }
}
