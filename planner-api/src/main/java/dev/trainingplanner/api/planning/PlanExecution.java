package dev.trainingplanner.api.planning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.api.correction.ClusterCorrections;
import dev.trainingplanner.api.job.Jobs;
import dev.trainingplanner.api.model.Models;
import dev.trainingplanner.api.problem.ClientMistake;
import dev.trainingplanner.api.profile.ProfileStore;
import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.InvalidProfileException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs one solve for a {@link PlanRun} and writes everything it learns to the database: SOLVING with the replica and
 * attempt, the best plan so far with its progress, then COMPLETED with the result, CANCELLED when stopped, or FAILED
 * with the reason. A run interrupted by a stopping replica is left for db-scheduler to retry (it resumes as attempt
 * n+1); after {@code planner.solves.max-attempts} attempts it is marked FAILED with that reason.
 */
@Component
public class PlanExecution {

    private static final Logger log = LoggerFactory.getLogger(PlanExecution.class);
    private static final Duration CHECK_INTERVAL = Duration.ofMillis(500);

    private final JdbcTemplate jdbc;
    private final PlanRuns runs;
    private final Jobs jobs;
    private final ProfileStore profiles;
    private final Models models;
    private final PlanSolver solver;
    private final LargeSolves largeSolves;
    private final ObjectMapper json;
    private final ApplicationEventPublisher events;
    private final String replica;
    private final int maxAttempts;
    private final MeterRegistry meters;
    private final TransactionTemplate transactions;
    private final ClusterCorrections corrections;
    private final DistributionSummary predictedIteration;

    PlanExecution(
            JdbcTemplate jdbc,
            PlanRuns runs,
            Jobs jobs,
            ProfileStore profiles,
            Models models,
            ClusterCorrections corrections,
            PlanSolver solver,
            LargeSolves largeSolves,
            ObjectMapper json,
            ApplicationEventPublisher events,
            MeterRegistry meters,
            TransactionTemplate transactions,
            @Value("${db-scheduler.scheduler-name:}") String schedulerName,
            @Value("${planner.solves.max-attempts:3}") int maxAttempts) {
        this.jdbc = jdbc;
        this.runs = runs;
        this.jobs = jobs;
        this.profiles = profiles;
        this.models = models;
        this.corrections = corrections;
        this.solver = solver;
        this.largeSolves = largeSolves;
        this.json = json;
        this.events = events;
        this.replica = schedulerName.isBlank() ? ReplicaName.current() : schedulerName;
        this.maxAttempts = maxAttempts;
        this.meters = meters;
        this.transactions = transactions;
        this.predictedIteration = DistributionSummary.builder("planner.plan.predicted.iteration")
                .description("Predicted optimizer-step time of completed plans (plan quality)")
                .baseUnit("seconds")
                .register(meters);
        Gauge.builder("planner.solves.queued", runs, PlanRuns::queued)
                .description("Solves waiting for a free solver thread on any replica")
                .register(meters);
        Gauge.builder("planner.solves.running", runs, PlanRuns::solving)
                .description("Solves running on any replica")
                .register(meters);
    }

    /** Published after a run finished, so that nightly re-planning can compare it with the job's current plan. */
    public record PlanFinished(UUID planId, UUID jobId, PlanStatus status, String purpose) {}

    void run(UUID planId, BooleanSupplier shuttingDown) {
        boolean large = isLarge(planId);
        if (large) {
            largeSolves.acquire();
        }
        try {
            claimAndSolve(planId, shuttingDown);
        } finally {
            if (large) {
                largeSolves.release();
            }
        }
    }

    /** Whether the run is a large solve; one that cannot be judged (gone, finished, cluster deleted) is not. */
    private boolean isLarge(UUID planId) {
        try {
            return runs.find(planId)
                    .filter(run -> !run.status().finished())
                    .map(runs::spec)
                    .map(spec -> largeSolves.isLarge(
                            profiles.nodeCount(spec.cluster()), spec.goal().gpus()))
                    .orElse(false);
        } catch (ClientMistake unknownCluster) {
            return false;
        }
    }

    private void claimAndSolve(UUID planId, BooleanSupplier shuttingDown) {
        List<Integer> claimed = jdbc.query(
                """
                update plan_run set status = 'SOLVING', attempts = attempts + 1, solving_replica = ?,
                       started_at = coalesce(started_at, ?)
                where id = ? and status in ('QUEUED', 'SOLVING') and not cancel_requested
                returning attempts""",
                (rs, i) -> rs.getInt(1),
                replica,
                Timestamp.from(Instant.now()),
                planId);
        if (claimed.isEmpty()) {
            finishCancelledIfRequested(planId);
            republishIfFinished(planId);
            return;
        }
        int attempt = claimed.get(0);
        if (attempt > maxAttempts) {
            fail(planId, "the solve was interrupted " + (attempt - 1) + " times (replica stopped or died) and gave up");
            return;
        }
        if (attempt > 1) {
            log.info("Resuming plan {} (attempt {}) after its previous replica stopped", planId, attempt);
        }
        PlanRun run = runs.byId(planId);
        PlanSpec spec = runs.spec(run);
        Timer.Sample sample = Timer.start(meters);
        String outcome = "failed";
        try {
            PlanSolver.SolveInput input = input(spec);
            PlanSolver.SolvedPlan solved = solver.solve(input, new DatabaseListener(planId, shuttingDown));
            if (shuttingDown.getAsBoolean() && !cancelRequested(planId)) {
                throw new ReplicaStopping();
            }
            complete(planId, solved);
            outcome = "completed";
        } catch (ReplicaStopping stopping) {
            outcome = "interrupted";
            requeue(planId);
            throw new IllegalStateException("plan " + planId + " interrupted by a stopping replica; it will resume");
        } catch (ClientMistake | InvalidInputException | InvalidProfileException | IllegalArgumentException e) {
            fail(planId, e.getMessage());
        } catch (RuntimeException e) {
            if (shuttingDown.getAsBoolean() && !cancelRequested(planId)) {
                outcome = "interrupted";
                requeue(planId);
                throw new IllegalStateException(
                        "plan " + planId + " interrupted by a stopping replica; it will resume");
            }
            if (cancelRequested(planId)) {
                outcome = "cancelled";
                finish(planId, PlanStatus.CANCELLED, "stopped on request before the solver had a complete plan");
            } else if (e instanceof SolveAbandoned) {
                fail(planId, e.getMessage());
            } else {
                log.error("Solve of plan {} failed", planId, e);
                fail(planId, "the solver failed: " + e);
            }
        } finally {
            sample.stop(Timer.builder("planner.solve.duration")
                    .description("Wall time of solves")
                    .tag("outcome", outcome)
                    .register(meters));
        }
        events.publishEvent(
                new PlanFinished(planId, run.jobId(), runs.byId(planId).status(), spec.purpose()));
    }

    /**
     * The profile and the cluster's corrections (fitted first if samples arrived since the last fit) are read when the
     * solver asks, on its worker thread, where a stop or the deadline reaches them and other plans' dispatch does not
     * wait for them.
     */
    private PlanSolver.SolveInput input(PlanSpec spec) {
        return new PlanSolver.SolveInput(
                () -> profile(spec.cluster()),
                models.byName(spec.model()).spec(),
                spec.goal(),
                spec.options(),
                () -> corrections.latest(spec.cluster()));
    }

    private ClusterProfile profile(String cluster) {
        ProfileStore.EffectiveProfile effective = profiles.effective(cluster);
        if (effective.isEmpty()) {
            throw new ClientMistake(
                    org.springframework.http.HttpStatus.UNPROCESSABLE_ENTITY,
                    "cluster",
                    "cluster '" + cluster + "' has no profile yet: upload one before planning");
        }
        return effective.profile();
    }

    /**
     * Stores the result and, for a job's own request, makes it the job's current plan in the same transaction: a
     * client that sees the plan COMPLETED also sees it as the job's plan.
     */
    private void complete(UUID planId, PlanSolver.SolvedPlan solved) {
        JsonNode result = json.valueToTree(solved);
        boolean stopped = cancelRequested(planId);
        PlanRun run = runs.byId(planId);
        boolean adopt = !stopped
                && run.jobId() != null
                && "request".equals(runs.spec(run).purpose());
        transactions.executeWithoutResult(status -> {
            jdbc.update(
                    """
                    update plan_run set status = ?, progress = 1, result = ?, best_plan = ?, finished_at = ?,
                           failure_reason = ?
                    where id = ?""",
                    stopped ? PlanStatus.CANCELLED.name() : PlanStatus.COMPLETED.name(),
                    write(result),
                    write(solved.plan()),
                    Timestamp.from(Instant.now()),
                    stopped ? "stopped on request; the result is the best plan found until then" : null,
                    planId);
            if (adopt) {
                jobs.adoptPlan(run.jobId(), planId);
            }
        });
        predictedIteration.record(solved.predictedIterationSeconds());
    }

    /**
     * A revived execution of a run that finished just before its replica died: listeners (revisions) are idempotent,
     * so tell them again.
     */
    private void republishIfFinished(UUID planId) {
        runs.find(planId)
                .filter(run -> run.status().finished())
                .ifPresent(run -> events.publishEvent(new PlanFinished(
                        planId, run.jobId(), run.status(), runs.spec(run).purpose())));
    }

    /** Back to the queue; db-scheduler's retry (this or another replica) resumes it as the next attempt. */
    private void requeue(UUID planId) {
        jdbc.update(
                "update plan_run set status = 'QUEUED', solving_replica = null where id = ? and status = 'SOLVING'",
                planId);
    }

    private void fail(UUID planId, String reason) {
        finish(planId, PlanStatus.FAILED, reason);
    }

    private void finish(UUID planId, PlanStatus status, String reason) {
        jdbc.update(
                "update plan_run set status = ?, failure_reason = ?, finished_at = ? where id = ?",
                status.name(),
                reason,
                Timestamp.from(Instant.now()),
                planId);
    }

    private void finishCancelledIfRequested(UUID planId) {
        jdbc.update(
                """
                update plan_run set status = 'CANCELLED', finished_at = ?,
                       failure_reason = coalesce(failure_reason, 'stopped before it started')
                where id = ? and status in ('QUEUED', 'SOLVING') and cancel_requested""",
                Timestamp.from(Instant.now()),
                planId);
    }

    private boolean cancelRequested(UUID planId) {
        return Boolean.TRUE.equals(
                jdbc.queryForObject("select cancel_requested from plan_run where id = ?", Boolean.class, planId));
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a plan could not be serialised", e);
        }
    }

    /** Thrown inside the solve when this replica shuts down; the run goes back to the queue. */
    private static final class ReplicaStopping extends RuntimeException {}

    /** Writes progress and the best plan so far, at most every {@link #CHECK_INTERVAL}, and polls the stop flag. */
    private final class DatabaseListener implements PlanSolver.Listener {
        private final UUID planId;
        private final BooleanSupplier shuttingDown;
        private long lastWriteNanos;
        private long lastCheckNanos;
        private boolean stop;

        DatabaseListener(UUID planId, BooleanSupplier shuttingDown) {
            this.planId = planId;
            this.shuttingDown = shuttingDown;
        }

        @Override
        public void improved(double progress, JsonNode bestSoFar) {
            long now = System.nanoTime();
            if (now - lastWriteNanos < CHECK_INTERVAL.toNanos()) {
                return;
            }
            lastWriteNanos = now;
            double clamped = Math.max(0, Math.min(0.99, progress));
            if (bestSoFar == null) {
                jdbc.update("update plan_run set progress = ? where id = ? and status = 'SOLVING'", clamped, planId);
            } else {
                jdbc.update(
                        "update plan_run set progress = ?, best_plan = ? where id = ? and status = 'SOLVING'",
                        clamped,
                        write(bestSoFar),
                        planId);
            }
        }

        @Override
        public boolean stopRequested() {
            if (stop || shuttingDown.getAsBoolean()) {
                return true;
            }
            long now = System.nanoTime();
            if (now - lastCheckNanos >= CHECK_INTERVAL.toNanos()) {
                lastCheckNanos = now;
                stop = cancelRequested(planId);
            }
            return stop;
        }
    }
}
