package dev.trainingplanner.api.planning;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.engine.plan.PlanRequest;
import dev.trainingplanner.engine.plan.PlanResult;
import dev.trainingplanner.engine.plan.Planner;
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
 * and a stop request interrupts the worker, which makes Timefold end its search early and return the best plan found so
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

    EnginePlanSolver(
            @Value("${planner.solves.default-time-limit:PT60S}") Duration defaultTimeLimit, ObjectMapper json) {
        this.defaultTimeLimit = defaultTimeLimit;
        this.planJson = new PlanJson(json);
    }

    @Override
    public SolvedPlan solve(SolveInput input, Listener listener) {
        ProfiledCluster cluster = EngineRequests.cluster(input.profile());
        PlanRequest request =
                EngineRequests.request(cluster, input.model(), input.goal(), input.options(), defaultTimeLimit);
        long limitMillis = request.options().timeLimit().toMillis();
        long start = System.nanoTime();
        AtomicReference<Thread> worker = new AtomicReference<>();
        CompletableFuture<PlanResult> running = new CompletableFuture<>();
        workers.execute(() -> {
            worker.set(Thread.currentThread());
            try {
                running.complete(planner.plan(request));
            } catch (Throwable failure) {
                running.completeExceptionally(failure);
            } finally {
                Thread.interrupted();
            }
        });
        boolean interrupted = false;
        while (true) {
            try {
                PlanResult result = running.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (!result.feasible()) {
                    throw new IllegalArgumentException("no feasible plan: "
                            + String.join("; ", result.explanation().infeasibility()));
                }
                return new SolvedPlan(
                        planJson.of(result),
                        planJson.launch(result),
                        result.best().estimate().iterationTimeSeconds());
            } catch (TimeoutException stillRunning) {
                listener.improved((System.nanoTime() - start) / 1e6 / Math.max(1, limitMillis), null);
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
