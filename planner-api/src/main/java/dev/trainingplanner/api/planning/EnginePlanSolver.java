package dev.trainingplanner.api.planning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.engine.plan.CostPerTokenGoal;
import dev.trainingplanner.engine.plan.CostPerTokenResult;
import dev.trainingplanner.engine.plan.GpuCountSearch;
import dev.trainingplanner.engine.plan.PlanRequest;
import dev.trainingplanner.engine.plan.PlanResult;
import dev.trainingplanner.engine.plan.Planner;
import dev.trainingplanner.engine.plan.SearchProgress;
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
 * the best plan so far is the search's latest best placement, and a stop request interrupts the worker, which makes Timefold end its search early and return the best plan found so
 * far (Timefold treats an interrupted solver thread as "terminate early").
 */
@Component
class EnginePlanSolver implements PlanSolver {

    private static final long POLL_MILLIS = 250;

    private final Planner planner = new Planner();
    private final ExecutorService workers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "planner-solve");
        thread.setDaemon(true);
        return thread;
    });
    private final Duration defaultTimeLimit;
    private final PlanJson planJson;
    private final ObjectMapper json;

    EnginePlanSolver(
            @Value("${planner.solves.default-time-limit:PT60S}") Duration defaultTimeLimit, ObjectMapper json) {
        this.defaultTimeLimit = defaultTimeLimit;
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

    /** The plan to launch and its stored document (with the GPU-count comparison for the cost-per-token objective). */
    private record Solved(PlanResult plan, JsonNode document) {}

    @Override
    public SolvedPlan solve(SolveInput input, Listener listener) {
        ProfiledCluster cluster = EngineRequests.cluster(input.profile(), input.options());
        PlanRequest request =
                EngineRequests.request(cluster, input.model(), input.goal(), input.options(), defaultTimeLimit);
        long limitMillis = request.options().timeLimit().toMillis();
        long start = System.nanoTime();
        AtomicReference<Thread> worker = new AtomicReference<>();
        AtomicReference<SearchProgress> best = new AtomicReference<>();
        CostPerTokenGoal costPerToken = EngineRequests.costPerToken(input.goal());
        CompletableFuture<Solved> running = new CompletableFuture<>();
        workers.execute(() -> {
            worker.set(Thread.currentThread());
            try {
                // The search only records its latest best; this thread's polling loop stores it.
                if (costPerToken == null) {
                    PlanResult result = planner.plan(request, best::set);
                    running.complete(new Solved(result, planJson.of(result)));
                } else {
                    CostPerTokenResult result = new GpuCountSearch(planner).plan(request, costPerToken, best::set);
                    running.complete(new Solved(result.plan(), planJson.of(result)));
                }
            } catch (Throwable failure) {
                running.completeExceptionally(failure);
            } finally {
                Thread.interrupted();
            }
        });
        boolean interrupted = false;
        while (true) {
            try {
                Solved solved = running.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                PlanResult result = solved.plan();
                if (!result.feasible()) {
                    throw new IllegalArgumentException("no feasible plan: "
                            + String.join("; ", result.explanation().infeasibility()));
                }
                return new SolvedPlan(
                        solved.document(), result.best().estimate().iterationTimeSeconds());
            } catch (TimeoutException stillRunning) {
                listener.improved((System.nanoTime() - start) / 1e6 / Math.max(1, limitMillis), bestSoFar(best.get()));
                Thread thread = worker.get();
                if (!interrupted && thread != null && listener.stopRequested()) {
                    thread.interrupt();
                    interrupted = true;
                }
            } catch (ExecutionException e) {
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
