package dev.trainingplanner.api.replanning;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Removes profile history and plan revisions older than {@code planner.retention.period}. The latest measurement of
 * every node and link is kept whatever its age, so the effective profile never loses a part.
 */
@Component
public class Retention {

    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    private final JdbcTemplate jdbc;
    private final Duration period;

    Retention(JdbcTemplate jdbc, @Value("${planner.retention.period:P90D}") Duration period) {
        this.jdbc = jdbc;
        this.period = period;
    }

    /** Returns the number of rows removed. */
    @Transactional
    public int purge() {
        Timestamp cutoff = Timestamp.from(Instant.now().minus(period));
        int measurements = jdbc.update(
                """
                delete from profile_measurement m where m.received_at < ? and exists (
                    select 1 from profile_measurement newer
                    where newer.cluster_id = m.cluster_id and newer.kind = m.kind and newer.subject = m.subject
                      and (newer.measured_at > m.measured_at or (newer.measured_at = m.measured_at and newer.id > m.id)))""",
                cutoff);
        int uploads = jdbc.update(
                """
                delete from profile_upload u where u.received_at < ?
                  and not exists (select 1 from profile_measurement m where m.upload_id = u.id)""",
                cutoff);
        int revisions = jdbc.update("delete from plan_revision where created_at < ?", cutoff);
        log.info(
                "Retention ({}): removed {} measurements, {} uploads, {} plan revisions",
                period,
                measurements,
                uploads,
                revisions);
        return measurements + uploads + revisions;
    }
}
