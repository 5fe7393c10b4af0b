package dev.trainingplanner.api.replanning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.media.Schema;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The {@code plan_revision} table: one revision per re-planning solve ({@code plan_id} is unique), so recording a
 * solve twice (a revived execution tells its listeners again) stores it once.
 */
@Repository
class PlanRevisions {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    PlanRevisions(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * One plan revision as the API answers it.
     *
     * @param previousMeasuredSeconds median measured iteration time after warm-up of the plan this revision replaced
     *     (null when that plan has no measured step past warm-up)
     * @param previousPredictedSeconds what that plan predicted when it was planned
     * @param previousPredictionError measured over predicted, minus 1 (0.08: the plan ran 8 % slower than predicted)
     */
    record Revision(
            UUID planId,
            LocalDate night,
            Instant createdAt,
            @Schema(implementation = RevisionChanges.class) JsonNode changes,
            Double predictedBeforeSeconds,
            Double predictedAfterSeconds,
            List<String> flags,
            Double previousMeasuredSeconds,
            Double previousPredictedSeconds,
            Double previousPredictionError) {}

    /** Stores the revision unless one exists for its plan; returns whether this call stored it. */
    boolean insert(UUID jobId, Revision revision) {
        return jdbc.update(
                        """
                        insert into plan_revision (job_id, plan_id, night, created_at, changes,
                                                   predicted_before_seconds, predicted_after_seconds, flags,
                                                   previous_measured_seconds, previous_predicted_seconds,
                                                   previous_prediction_error)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (plan_id) do nothing""",
                        jobId,
                        revision.planId(),
                        revision.night() == null ? null : Date.valueOf(revision.night()),
                        Timestamp.from(revision.createdAt()),
                        write(revision.changes()),
                        revision.predictedBeforeSeconds(),
                        revision.predictedAfterSeconds(),
                        write(revision.flags()),
                        revision.previousMeasuredSeconds(),
                        revision.previousPredictedSeconds(),
                        revision.previousPredictionError())
                == 1;
    }

    /** The job's latest 200 revisions, newest first. */
    List<Revision> ofJob(UUID jobId) {
        return jdbc.query(
                """
                select plan_id, night, created_at, changes, predicted_before_seconds, predicted_after_seconds, flags,
                       previous_measured_seconds, previous_predicted_seconds, previous_prediction_error
                from plan_revision where job_id = ? order by created_at desc limit 200""",
                (rs, i) -> new Revision(
                        rs.getObject(1, UUID.class),
                        rs.getDate(2) == null ? null : rs.getDate(2).toLocalDate(),
                        rs.getTimestamp(3).toInstant(),
                        read(rs.getString(4)),
                        (Double) rs.getObject(5),
                        (Double) rs.getObject(6),
                        List.of(json.convertValue(read(rs.getString(7)), String[].class)),
                        (Double) rs.getObject(8),
                        (Double) rs.getObject(9),
                        (Double) rs.getObject(10)),
                jobId);
    }

    /** Removes revisions created before {@code cutoff}; returns how many. */
    int deleteCreatedBefore(Instant cutoff) {
        return jdbc.update("delete from plan_revision where created_at < ?", Timestamp.from(cutoff));
    }

    private JsonNode read(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored revision could not be read back", e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a revision could not be serialised", e);
        }
    }
}
