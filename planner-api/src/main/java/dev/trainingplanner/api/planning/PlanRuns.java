package dev.trainingplanner.api.planning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import dev.trainingplanner.api.problem.ClientMistake;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.context.annotation.Lazy;
import org.springframework.data.domain.PageRequest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Starts, finds and stops solves. A new run is a row in {@code plan_run} plus a db-scheduler execution of
 * {@link SolvePlanTask}: whichever replica has a free solver thread picks it up, and a replica that dies mid-solve
 * leaves a dead execution that another replica revives.
 */
@Service
public class PlanRuns {

    private final PlanRunRepository repository;
    private final JdbcTemplate jdbc;
    private final SchedulerClient scheduler;
    private final ObjectMapper json;

    PlanRuns(PlanRunRepository repository, JdbcTemplate jdbc, @Lazy SchedulerClient scheduler, ObjectMapper json) {
        this.repository = repository;
        this.jdbc = jdbc;
        this.scheduler = scheduler;
        this.json = json;
    }

    /** Stores the run and queues its solve; the caller answers 202 with the run's location. */
    public PlanRun start(PlanSpec spec, UUID jobId) {
        PlanRun run =
                repository.save(new PlanRun(UUID.randomUUID(), jobId, spec.cluster(), write(spec), Instant.now()));
        enqueue(run.id());
        return run;
    }

    void enqueue(UUID id) {
        scheduler.scheduleIfNotExists(SolvePlanTask.TASK.instance(id.toString()).build(), Instant.now());
    }

    @Transactional(readOnly = true)
    public PlanRun byId(UUID id) {
        return repository.findById(id).orElseThrow(() -> ClientMistake.notFound("plan " + id));
    }

    @Transactional(readOnly = true)
    public java.util.Optional<PlanRun> find(UUID id) {
        return repository.findById(id);
    }

    /**
     * Stores the night's solve of a job unless one exists already ({@code nightly_key} is unique), and queues it.
     * Returns whether this call created it.
     */
    public boolean startNightly(PlanSpec spec, UUID jobId, String nightlyKey) {
        UUID id = UUID.randomUUID();
        boolean inserted = insertUnlessConflict(id, spec, jobId, "nightly_key", nightlyKey, "(nightly_key)");
        if (inserted) {
            enqueue(id);
        }
        return inserted;
    }

    /**
     * Stores and queues a "re-plan now" solve of a job, or returns the one already queued or solving: the database
     * keeps at most one in flight per job (a partial unique index), so concurrent requests on any replica join it.
     */
    public PlanRun startReplan(PlanSpec spec, UUID jobId) {
        while (true) {
            UUID id = UUID.randomUUID();
            if (insertUnlessConflict(
                    id, spec, jobId, "replan_of_job", jobId, "(replan_of_job) where status in ('QUEUED', 'SOLVING')")) {
                enqueue(id);
                return byId(id);
            }
            List<UUID> inFlight = jdbc.query(
                    "select id from plan_run where replan_of_job = ? and status in ('QUEUED', 'SOLVING')",
                    (rs, i) -> rs.getObject(1, UUID.class),
                    jobId);
            if (!inFlight.isEmpty()) {
                return byId(inFlight.get(0));
            }
            // The one in flight finished between the insert and the look-up: try again.
        }
    }

    /**
     * Inserts a QUEUED run whose {@code keyColumn} holds {@code key}, unless that conflicts with the unique index named
     * by {@code conflictTarget}; returns whether it was inserted.
     */
    private boolean insertUnlessConflict(
            UUID id, PlanSpec spec, UUID jobId, String keyColumn, Object key, String conflictTarget) {
        return jdbc.update(
                        "insert into plan_run (id, job_id, cluster_name, request, status, progress, attempts, "
                                + "cancel_requested, created_at, " + keyColumn + ") "
                                + "values (?, ?, ?, ?, 'QUEUED', 0, 0, false, ?, ?) "
                                + "on conflict " + conflictTarget + " do nothing",
                        id,
                        jobId,
                        spec.cluster(),
                        write(spec),
                        Timestamp.from(Instant.now()),
                        key)
                == 1;
    }

    /** The plan named in a request body: unknown is a 422 naming {@code planId}. */
    @Transactional(readOnly = true)
    public PlanRun byIdOrUnprocessable(UUID id) {
        return repository
                .findById(id)
                .orElseThrow(() -> new ClientMistake(
                        org.springframework.http.HttpStatus.UNPROCESSABLE_ENTITY,
                        "planId",
                        "plan " + id + " does not exist"));
    }

    @Transactional(readOnly = true)
    public List<PlanRun> recent(UUID jobId, int limit) {
        PageRequest page = PageRequest.of(0, limit);
        return jobId == null
                ? repository.findAllByOrderByCreatedAtDesc(page)
                : repository.findByJobIdOrderByCreatedAtDesc(jobId, page);
    }

    /**
     * The ids of the job's completed runs in the order they finished (then by id). A run finishes once, so a run's place
     * in this list never changes as later runs finish: it is the job's plan revision number, counted from 1.
     */
    public List<UUID> completedInFinishingOrder(UUID jobId) {
        return jdbc.queryForList(
                "select id from plan_run where job_id = ? and status = ? order by finished_at, id",
                UUID.class,
                jobId,
                PlanStatus.COMPLETED.name());
    }

    public PlanSpec spec(PlanRun run) {
        try {
            return json.readValue(run.requestJson(), PlanSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("plan " + run.id() + " holds an unreadable request", e);
        }
    }

    /**
     * Stops a solve: a queued one is cancelled at once; a running one is asked to stop and keeps the best plan found
     * so far as its result (the solving replica sees the flag within a second).
     */
    public PlanRun stop(UUID id) {
        PlanRun run = byId(id);
        if (run.status().finished()) {
            throw ClientMistake.conflict(null, "plan " + id + " has already finished (" + run.status() + ")");
        }
        int cancelledQueued = jdbc.update(
                """
                update plan_run set status = 'CANCELLED', cancel_requested = true, finished_at = ?,
                       failure_reason = 'stopped before it started'
                where id = ? and status = 'QUEUED'""",
                Timestamp.from(Instant.now()),
                id);
        if (cancelledQueued == 1) {
            try {
                scheduler.cancel(SolvePlanTask.TASK.instanceId(id.toString()));
            } catch (RuntimeException alreadyPicked) {
                // The execution was picked in the meantime; it reads CANCELLED and ends without solving.
            }
        } else {
            jdbc.update("update plan_run set cancel_requested = true where id = ?", id);
        }
        return byId(id);
    }

    long queued() {
        return repository.countByStatus(PlanStatus.QUEUED);
    }

    long solving() {
        return repository.countByStatus(PlanStatus.SOLVING);
    }

    private String write(PlanSpec spec) {
        try {
            return json.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a plan request could not be serialised", e);
        }
    }
}
