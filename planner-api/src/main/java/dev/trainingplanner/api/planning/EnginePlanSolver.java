package dev.trainingplanner.api.planning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.api.correction.CorrectionsUsed;
import dev.trainingplanner.costmodel.correction.CorrectedCostModel;
import dev.trainingplanner.engine.plan.CostPerTokenGoal;
import dev.trainingplanner.engine.plan.CostPerTokenResult;
import dev.trainingplanner.engine.plan.GpuCountSearch;
import dev.trainingplanner.engine.plan.PlanRequest;
import dev.trainingplanner.engine.plan.PlanResult;
import dev.trainingplanner.engine.plan.Planner;
import dev.trainingplanner.engine.plan.SearchProgress;
import dev.trainingplanner.engine.plan.SearchStoppedException;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Runs the engine's {@link Planner} on a worker thread and watches it: progress is the share of the time limit spent,
 * the best plan so far is the search's latest best placement, and a stop request interrupts the worker, which makes
 * Timefold end its search early and return the best plan found so far (Timefold treats an interrupted solver thread as
 * "terminate early"); conversion, screening and pool building check the interrupt too. A solve still running
 * {@code planner.solves.overrun-allowance} after its time limit is interrupted the same way, and one that has not
 * ended {@link #STOP_GRACE} after its interrupt is abandoned ({@link SolveAbandoned}), so a solver thread is never held
 * by one huge request.
 */
@Component
class EnginePlanSolver implements PlanSolver {

    private static final long POLL_MILLIS = 250;

    /** How long a stopped solve may take to reach a stop check before its solver thread is given back. */
    static final Duration STOP_GRACE = Duration.ofSeconds(3);

    private final ExecutorService workers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "planner-solve");
        thread.setDaemon(true);
        return thread;
    });
    private final Duration defaultTimeLimit;
    private final Duration overrunAllowance;
    private final PlanJson planJson;
    private final ObjectMapper json;

    EnginePlanSolver(
            @Value("${planner.solves.default-time-limit:PT60S}") Duration defaultTimeLimit,
            @Value("${planner.solves.overrun-allowance:PT30S}") Duration overrunAllowance,
            ObjectMapper json) {
        this.defaultTimeLimit = defaultTimeLimit;
        this.overrunAllowance = overrunAllowance;
        this.planJson = new PlanJson(json);
        this.json = json;
    }

    /**
     * While solving, the best plan so far is the search's best placement before refinement: its layout in short form,
     * predicted iteration time, whether it fits, and when it was found. The final result replaces it.
     */
    private JsonNode bestSoFar(SearchProgress progress) {
        if (progress == null) {
            return null;
        }
        return json.valueToTree(new SearchBest(
                progress.layout(),
                progress.predictedIterationSeconds(),
                progress.fitsMemory(),
                progress.elapsedMillis()));
    }

    /**
     * The plan to launch, its stored document (with the GPU-count comparison for the cost-per-token objective) and the
     * corrections it was computed with.
     */
    private record Solved(PlanResult plan, JsonNode document, CorrectionsUsed corrections) {}

    @Override
    public SolvedPlan solve(SolveInput input, Listener listener) {
        long limitMillis =
                EngineRequests.timeLimit(input.options(), defaultTimeLimit).toMillis();
        long start = System.nanoTime();
        AtomicReference<Thread> worker = new AtomicReference<>();
        AtomicReference<SearchProgress> best = new AtomicReference<>();
        CostPerTokenGoal costPerToken = EngineRequests.costPerToken(input.goal());
        CompletableFuture<Solved> running = new CompletableFuture<>();
        workers.execute(() -> {
            worker.set(Thread.currentThread());
            try {
                // Reading and converting the profile run here too, so that a stop or the deadline reaches them (they
                // grow with the cluster).
                ProfiledCluster profiled =
                        EngineRequests.cluster(input.profile().get(), input.options());
                // The cluster's corrections (fitted here, on the worker, if samples arrived since the last fit) are
                // applied once, to the cluster and the cost model the search uses; the plan's names and placement stay
                // the profile's.
                CorrectedCostModel corrected =
                        new CorrectedCostModel(input.corrections().get(), profiled.cluster());
                ProfiledCluster cluster = new ProfiledCluster(
                        profiled.name(),
                        corrected.correctedCluster(),
                        profiled.nodeNames(),
                        profiled.gpuIndexes(),
                        profiled.defaultsUsed(),
                        profiled.excluded());
                Planner planner = new Planner(corrected.costModel());
                CorrectionsUsed used = CorrectionsUsed.of(corrected);
                PlanRequest request =
                        EngineRequests.request(cluster, input.model(), input.goal(), input.options(), defaultTimeLimit);
                // The search only records its latest best; this thread's polling loop stores it.
                if (costPerToken == null) {
                    PlanResult result = planner.plan(request, best::set);
                    running.complete(new Solved(result, planJson.of(result), used));
                } else {
                    CostPerTokenResult result = new GpuCountSearch(planner).plan(request, costPerToken, best::set);
                    running.complete(new Solved(result.plan(), planJson.of(result), used));
                }
            } catch (Throwable failure) {
                running.completeExceptionally(failure);
            } finally {
                Thread.interrupted();
            }
        });
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(limitMillis) + overrunAllowance.toNanos();
        long interruptedAt = 0;
        String why = null;
        while (true) {
            try {
                Solved solved = running.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                PlanResult result = solved.plan();
                if (!result.feasible()) {
                    throw new IllegalArgumentException("no feasible plan: "
                            + String.join("; ", result.explanation().infeasibility()));
                }
                return new SolvedPlan(
                        solved.document(), result.best().estimate().iterationTimeSeconds(), solved.corrections());
            } catch (TimeoutException stillRunning) {
                long now = System.nanoTime();
                listener.improved((now - start) / 1e6 / Math.max(1, limitMillis), bestSoFar(best.get()));
                Thread thread = worker.get();
                if (why == null && listener.stopRequested()) {
                    why = "stopped on request";
                } else if (why == null && now > deadline) {
                    why = "the solve exceeded its time budget of " + limitMillis / 1000.0 + " s by more than "
                            + overrunAllowance.toSeconds() + " s";
                }
                if (why != null && interruptedAt == 0 && thread != null) {
                    thread.interrupt();
                    interruptedAt = now;
                }
                if (interruptedAt != 0 && now - interruptedAt > STOP_GRACE.toNanos()) {
                    // The worker did not reach a stop check in time: give the solver thread back to the queue and let
                    // the worker end at its next check, with nothing left to report to.
                    throw new SolveAbandoned(why + "; the solve did not end within " + STOP_GRACE.toSeconds()
                            + " s of being stopped and was abandoned");
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof SearchStoppedException stopped && why != null) {
                    throw new SolveAbandoned(why + ": " + stopped.getMessage());
                }
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException("the planner failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread thread = worker.get();
                if (thread != null) {
                    thread.interrupt();
                }
                Thread.currentThread().interrupt();
                throw new IllegalStateException("the solving thread was interrupted");
            }
        }
    }
}
