package dev.trainingplanner.api.measurement;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.costmodel.correction.Measurement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The {@code job_measurement} table: one row per (job, plan revision, step). */
@Repository
class MeasurementStore {

    private static final String COLUMNS = "plan_revision, step, iteration_seconds, tokens_per_second,"
            + " peak_memory_bytes_per_rank, phase_seconds, measured_at";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    MeasurementStore(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Stores the step unless its key is taken; returns whether this call stored it. */
    boolean insertIfAbsent(UUID jobId, UUID planId, MeasuredStep step, Instant receivedAt) {
        return jdbc.update(
                        """
                        insert into job_measurement (job_id, plan_revision, plan_id, step, iteration_seconds,
                                                     tokens_per_second, peak_memory_bytes_per_rank, phase_seconds,
                                                     measured_at, received_at)
                        values (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?)
                        on conflict on constraint job_measurement_key do nothing""",
                        jobId,
                        step.planRevision(),
                        planId,
                        step.step(),
                        step.iterationSeconds(),
                        step.tokensPerSecond(),
                        write(step.peakMemoryBytesPerRank()),
                        write(step.phaseSeconds()),
                        Timestamp.from(step.timestamp()),
                        Timestamp.from(receivedAt))
                == 1;
    }

    Optional<MeasuredStep> find(UUID jobId, int planRevision, long step) {
        return jdbc
                .query(
                        "select " + COLUMNS
                                + " from job_measurement where job_id = ? and plan_revision = ? and step = ?",
                        this::row,
                        jobId,
                        planRevision,
                        step)
                .stream()
                .findFirst();
    }

    /** A page of the job's steps (of one revision, or of all when {@code revision} is null) by revision and step. */
    List<MeasuredStep> page(UUID jobId, Integer revision, long offset, int limit) {
        return revision == null
                ? jdbc.query(
                        "select " + COLUMNS + " from job_measurement where job_id = ?"
                                + " order by plan_revision, step limit ? offset ?",
                        this::row,
                        jobId,
                        limit,
                        offset)
                : jdbc.query(
                        "select " + COLUMNS + " from job_measurement where job_id = ? and plan_revision = ?"
                                + " order by step limit ? offset ?",
                        this::row,
                        jobId,
                        revision,
                        limit,
                        offset);
    }

    long count(UUID jobId, Integer revision) {
        Long count = revision == null
                ? jdbc.queryForObject("select count(*) from job_measurement where job_id = ?", Long.class, jobId)
                : jdbc.queryForObject(
                        "select count(*) from job_measurement where job_id = ? and plan_revision = ?",
                        Long.class,
                        jobId,
                        revision);
        return count == null ? 0 : count;
    }

    /**
     * Per revision: all steps, and the statistics of the steps after warm-up, i.e. those at least {@code warmupSteps}
     * after the revision's first reported step. The median is PostgreSQL's {@code percentile_cont(0.5)}, p95 the
     * nearest-rank {@code percentile_disc(0.95)}, the trend {@code regr_slope}: the least-squares slope of iteration
     * seconds over step number.
     */
    List<RevisionSummary> summaries(UUID jobId, long warmupSteps) {
        String counted = "filter (where m.step >= f.first_step + ?)";
        return jdbc.query(
                """
                select m.plan_revision, (array_agg(m.plan_id))[1], count(*), count(*) %1$s, min(m.step), max(m.step),
                       percentile_cont(0.5) within group (order by m.iteration_seconds) %1$s,
                       percentile_disc(0.95) within group (order by m.iteration_seconds) %1$s,
                       percentile_cont(0.5) within group (order by m.tokens_per_second) %1$s,
                       regr_slope(m.iteration_seconds, m.step) %1$s,
                       max(memory.peak)
                from job_measurement m
                join (select plan_revision, min(step) as first_step from job_measurement where job_id = ?
                      group by plan_revision) f on f.plan_revision = m.plan_revision
                left join lateral (select max(value::bigint) as peak
                                   from jsonb_each_text(m.peak_memory_bytes_per_rank)) memory on true
                where m.job_id = ?
                group by m.plan_revision order by m.plan_revision"""
                        .formatted(counted),
                (rs, i) -> new RevisionSummary(
                        rs.getInt(1),
                        rs.getObject(2, UUID.class),
                        rs.getLong(3),
                        rs.getLong(4),
                        warmupSteps,
                        rs.getLong(5),
                        rs.getLong(6),
                        (Double) rs.getObject(7),
                        (Double) rs.getObject(8),
                        (Double) rs.getObject(9),
                        (Double) rs.getObject(10),
                        rs.getObject(11) == null ? null : rs.getLong(11)),
                warmupSteps,
                warmupSteps,
                warmupSteps,
                warmupSteps,
                warmupSteps,
                jobId,
                jobId);
    }

    /**
     * The revisions of the jobs {@code jobIds} with at least one step after warm-up, as runs: the medians of the steps
     * at least {@code warmupSteps} after the revision's first reported step, and the share of those steps slower than
     * the median by more than {@link Measurement#SLOW_STEP_MARGIN}. A step's peak memory is the largest any rank
     * reported in it.
     */
    List<MeasuredRun> runs(List<UUID> jobIds, long warmupSteps) {
        return jdbc.query(
                """
                with scope as (select * from job_measurement where job_id = any (?::uuid[])),
                     firsts as (select job_id, plan_revision, min(step) as first_step from scope
                                group by job_id, plan_revision),
                     kept as (select s.*, memory.peak from scope s
                              join firsts f on f.job_id = s.job_id and f.plan_revision = s.plan_revision
                              left join lateral (select max(value::bigint) as peak
                                                 from jsonb_each_text(s.peak_memory_bytes_per_rank)) memory on true
                              where s.step >= f.first_step + ?),
                     medians as (select job_id, plan_revision, (array_agg(plan_id))[1] as plan_id, count(*) as counted,
                                        percentile_cont(0.5) within group (order by iteration_seconds) as seconds,
                                        percentile_cont(0.5) within group (order by peak) as peak
                                 from kept group by job_id, plan_revision)
                select m.job_id, m.plan_revision, m.plan_id, m.counted, m.seconds, m.peak,
                       (select count(*) from kept k where k.job_id = m.job_id and k.plan_revision = m.plan_revision
                            and k.iteration_seconds > (1 + ?) * m.seconds)::float8 / m.counted
                from medians m order by m.job_id, m.plan_revision""",
                (rs, i) -> new MeasuredRun(
                        rs.getObject(1, UUID.class),
                        rs.getInt(2),
                        rs.getObject(3, UUID.class),
                        rs.getLong(4),
                        rs.getDouble(5),
                        (Double) rs.getObject(6),
                        rs.getDouble(7)),
                uuidArray(jobIds),
                warmupSteps,
                Measurement.SLOW_STEP_MARGIN);
    }

    /** How many steps the jobs {@code jobIds} have stored, and the largest sample id (0 without any). */
    long[] fingerprint(List<UUID> jobIds) {
        return jdbc.queryForObject(
                "select count(*), coalesce(max(id), 0) from job_measurement where job_id = any (?::uuid[])",
                (rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)},
                uuidArray(jobIds));
    }

    /** PostgreSQL's text form of a uuid array. */
    private static String uuidArray(List<UUID> ids) {
        return ids.stream().map(UUID::toString).collect(Collectors.joining(",", "{", "}"));
    }

    /** Rank to the largest peak memory it reported in the revision; empty when no step reported memory. */
    Map<Integer, Long> peakBytesByRank(UUID jobId, int planRevision) {
        Map<Integer, Long> peaks = new TreeMap<>();
        jdbc.query(
                """
                select memory.key::int, max(memory.value::bigint)
                from job_measurement m, jsonb_each_text(m.peak_memory_bytes_per_rank) memory
                where m.job_id = ? and m.plan_revision = ?
                group by memory.key::int""",
                rs -> {
                    peaks.put(rs.getInt(1), rs.getLong(2));
                },
                jobId,
                planRevision);
        return peaks;
    }

    private MeasuredStep row(ResultSet rs, int index) throws SQLException {
        return new MeasuredStep(
                rs.getInt(1),
                rs.getLong(2),
                rs.getDouble(3),
                rs.getDouble(4),
                rs.getString(5) == null
                        ? null
                        : new TreeMap<>(read(rs.getString(5), new TypeReference<Map<Integer, Long>>() {})),
                rs.getString(6) == null
                        ? null
                        : new LinkedHashMap<>(read(rs.getString(6), new TypeReference<Map<String, Double>>() {})),
                rs.getTimestamp(7).toInstant());
    }

    private <T> T read(String text, TypeReference<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored measurement could not be read back", e);
        }
    }

    private String write(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a measurement could not be serialised", e);
        }
    }
}
