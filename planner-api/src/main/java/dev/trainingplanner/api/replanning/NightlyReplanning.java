package dev.trainingplanner.api.replanning;

import dev.trainingplanner.api.job.Jobs;
import dev.trainingplanner.api.job.TrainingJob;
import dev.trainingplanner.api.planning.PlanRun;
import dev.trainingplanner.api.planning.PlanRuns;
import dev.trainingplanner.api.planning.PlanSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.LocalDate;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Starts the night's re-planning of every active job against its cluster's latest profile. Each job gets at most one
 * nightly solve per night: the run's {@code nightly_key} ({@code <job>@<date>}) is unique in the database, so a fan-out
 * that runs twice (two replicas, a revived execution) creates nothing the second time.
 */
@Service
public class NightlyReplanning {

    static final String NIGHTLY = "nightly";
    static final String REPLAN_NOW = "replan-now";

    private static final Logger log = LoggerFactory.getLogger(NightlyReplanning.class);

    private final Jobs jobs;
    private final PlanRuns runs;
    private final Counter fanOuts;
    private final Counter nightlySolves;

    NightlyReplanning(Jobs jobs, PlanRuns runs, MeterRegistry meters) {
        this.jobs = jobs;
        this.runs = runs;
        this.fanOuts = Counter.builder("planner.replanning.fanouts")
                .description("Nightly fan-outs run by this replica (each starts only the night's missing solves)")
                .register(meters);
        this.nightlySolves = Counter.builder("planner.replanning.solves.started")
                .description("Nightly solves started by this replica")
                .register(meters);
    }

    /** Returns how many solves this call started (0 when another replica already started the night's runs). */
    public int fanOut(LocalDate night) {
        int started = 0;
        for (TrainingJob job : jobs.active()) {
            Jobs.JobSpec spec = jobs.spec(job);
            PlanSpec plan = new PlanSpec(spec.cluster(), spec.model(), spec.goal(), spec.options(), NIGHTLY);
            if (runs.startNightly(plan, job.id(), job.id() + "@" + night)) {
                started++;
            }
        }
        fanOuts.increment();
        nightlySolves.increment(started);
        log.info("Nightly re-planning for {}: started {} solves", night, started);
        return started;
    }

    /**
     * "Re-plan now" for one job: a solve whose result becomes the job's plan, with a revision of what changed. While one
     * is queued or solving, further requests join it instead of starting another solve.
     */
    public PlanRun replanNow(UUID jobId) {
        TrainingJob job = jobs.byId(jobId);
        Jobs.JobSpec spec = jobs.spec(job);
        return runs.startReplan(
                new PlanSpec(spec.cluster(), spec.model(), spec.goal(), spec.options(), REPLAN_NOW), jobId);
    }
}
