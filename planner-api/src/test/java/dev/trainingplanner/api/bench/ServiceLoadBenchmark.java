package dev.trainingplanner.api.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.api.PlannerApplication;
import dev.trainingplanner.api.testing.Api;
import dev.trainingplanner.api.testing.ApiTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * On-demand load benchmark of the whole service on its embedded PostgreSQL (not part of the normal test run; the
 * class name does not match Surefire's test patterns). Run with
 * {@code ./mvnw -pl planner-api -am test -Dtest=ServiceLoadBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 * Writes {@code planner-api/target/bench/service-load.md}. Sizes: {@code -Dbench.agents=1000 -Dbench.plans=50
 * -Dbench.planSeconds=5 -Dbench.solverThreads=2}.
 */
class ServiceLoadBenchmark {

    private static final String ADMIN = "bench-admin-token";

    @Test
    void measure() throws Exception {
        int agents = Integer.getInteger("bench.agents", 1000);
        int plans = Integer.getInteger("bench.plans", 50);
        int planSeconds = Integer.getInteger("bench.planSeconds", 5);
        int solverThreads = Integer.getInteger("bench.solverThreads", 2);
        ConfigurableApplicationContext service = SpringApplication.run(
                PlannerApplication.class,
                "--server.port=0",
                "--planner.embedded-postgres.data-directory=target/bench-postgres",
                "--planner.embedded-postgres.clean-on-start=true",
                "--planner.security.admin-token=" + ADMIN,
                "--db-scheduler.threads=" + solverThreads,
                "--db-scheduler.polling-interval=200ms",
                "--logging.level.ai.timefold=WARN",
                "--spring.main.banner-mode=off");
        try {
            Api admin = new Api(
                    ((WebServerApplicationContext) service).getWebServer().getPort(), ADMIN);
            List<String> report = new ArrayList<>();
            report.add("# planner-api service load benchmark");
            report.add("");
            report.add("Run " + Instant.now() + " on " + Runtime.getRuntime().availableProcessors()
                    + " CPUs, embedded PostgreSQL, " + solverThreads + " solver threads.");
            report.add("");
            uploads(admin, agents, report);
            plans(admin, plans, planSeconds, report);
            Path out = Path.of("target", "bench", "service-load.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, String.join("\n", report) + "\n");
            System.out.println(String.join("\n", report));
        } finally {
            service.close();
        }
    }

    /** Every agent uploads its own node (8 GPUs) as a partial profile, 64 at a time, then retries once. */
    private static void uploads(Api admin, int agents, List<String> report) throws Exception {
        String cluster = "agents-" + agents;
        assertThat(admin.post("/api/v1/clusters", "{\"name\":\"" + cluster + "\"}")
                        .status())
                .isEqualTo(201);
        String agentToken = admin.post(
                        "/api/v1/tokens",
                        "{\"name\":\"bench agents\",\"role\":\"agent\",\"cluster\":\"" + cluster + "\"}")
                .json()
                .get("token")
                .asText();
        Api agent = admin.as(agentToken);
        ExecutorService pool = Executors.newFixedThreadPool(64);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        List<Long> replays = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int a = 0; a < agents; a++) {
            int id = a;
            done.add(pool.submit(() -> {
                String body = "{\"name\":\"" + cluster + "\",\"nodes\":[" + ApiTestSupport.node("node-" + id, 8) + "]}";
                long t0 = System.nanoTime();
                Api.Answer answer = agent.send(
                        "POST",
                        "/api/v1/clusters/" + cluster + "/profiles",
                        body,
                        "application/json",
                        "Idempotency-Key",
                        "boot-" + id);
                latencies.add(System.nanoTime() - t0);
                assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
                long t1 = System.nanoTime();
                Api.Answer replay = agent.send(
                        "POST",
                        "/api/v1/clusters/" + cluster + "/profiles",
                        body,
                        "application/json",
                        "Idempotency-Key",
                        "boot-" + id);
                replays.add(System.nanoTime() - t1);
                assertThat(replay.status()).isEqualTo(200);
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        JsonNode effective = admin.get("/api/v1/clusters/" + cluster + "/profiles?view=full&limit=10000")
                .json();
        assertThat(effective.at("/profile/nodes")).hasSize(agents);
        report.add("## Profile uploads from " + agents + " simulated agents");
        report.add("");
        report.add("| what | count | wall s | per second | p50 ms | p99 ms |");
        report.add("|---|---|---|---|---|---|");
        report.add(row("first upload (one node, 8 GPUs, validated, stored)", latencies, seconds));
        report.add(row("retry with the same Idempotency-Key (answered 200, stored once)", replays, seconds));
        report.add("");
        report.add("Effective profile afterwards: "
                + effective.at("/profile/nodes").size() + " nodes.");
        report.add("");
    }

    /** 50 plans for a 256-GPU cluster at once; GETs on those plans from 8 threads while they solve. */
    private static void plans(Api admin, int plans, int planSeconds, List<String> report) throws Exception {
        String cluster = "gpus-256";
        admin.post("/api/v1/clusters", "{\"name\":\"" + cluster + "\"}");
        assertThat(admin.post("/api/v1/clusters/" + cluster + "/profiles", ApiTestSupport.profile(cluster, 32, 8))
                        .status())
                .isEqualTo(201);
        String token = admin.post("/api/v1/tokens", "{\"name\":\"bench scheduler\",\"role\":\"scheduler\"}")
                .json()
                .get("token")
                .asText();
        Api scheduler = admin.as(token);
        ExecutorService pool = Executors.newFixedThreadPool(58);
        List<Long> postLatencies = Collections.synchronizedList(new ArrayList<>());
        List<String> locations = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        List<Future<?>> posts = new ArrayList<>();
        for (int p = 0; p < plans; p++) {
            int seed = p;
            posts.add(pool.submit(() -> {
                long t0 = System.nanoTime();
                Api.Answer answer = scheduler.post(
                        "/api/v1/plans",
                        "{\"cluster\":\"" + cluster
                                + "\",\"model\":\"llama2-13b\",\"goal\":{\"globalBatchSequences\":1024,"
                                + "\"gpus\":256},\"options\":{\"timeLimitSeconds\":" + planSeconds + ",\"seed\":" + seed
                                + "}}");
                postLatencies.add(System.nanoTime() - t0);
                assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
                locations.add(answer.header("Location"));
            }));
        }
        for (Future<?> f : posts) {
            f.get();
        }
        AtomicBoolean solving = new AtomicBoolean(true);
        List<Long> getLatencies = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> readers = new ArrayList<>();
        for (int r = 0; r < 8; r++) {
            int offset = r;
            readers.add(pool.submit(() -> {
                int i = offset;
                while (solving.get()) {
                    long t0 = System.nanoTime();
                    Api.Answer answer = scheduler.get(locations.get(i++ % locations.size()));
                    getLatencies.add(System.nanoTime() - t0);
                    assertThat(answer.status()).isEqualTo(200);
                }
            }));
        }
        List<String> statuses = new ArrayList<>();
        for (String location : locations) {
            JsonNode plan;
            do {
                Thread.sleep(500);
                plan = scheduler.get(location).json();
            } while (plan.get("status").asText().matches("QUEUED|SOLVING"));
            statuses.add(plan.get("status").asText());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        solving.set(false);
        for (Future<?> f : readers) {
            f.get();
        }
        List<Long> idleLatencies = Collections.synchronizedList(new ArrayList<>());
        long idleStart = System.nanoTime();
        List<Future<?>> idleReaders = new ArrayList<>();
        for (int r = 0; r < 8; r++) {
            int offset = r;
            idleReaders.add(pool.submit(() -> {
                for (int i = 0; i < 100; i++) {
                    long t0 = System.nanoTime();
                    Api.Answer answer = scheduler.get(locations.get((offset * 100 + i) % locations.size()));
                    idleLatencies.add(System.nanoTime() - t0);
                    assertThat(answer.status()).isEqualTo(200);
                }
            }));
        }
        for (Future<?> f : idleReaders) {
            f.get();
        }
        double idleSeconds = (System.nanoTime() - idleStart) / 1e9;
        pool.shutdown();
        long completed = statuses.stream().filter("COMPLETED"::equals).count();
        report.add("## " + plans + " concurrent plan requests, 256-GPU cluster (32 nodes x 8 H100), llama2-13b");
        report.add("");
        report.add("Each solve has a " + planSeconds + " s limit; " + completed + " of " + plans
                + " COMPLETED, all done after " + String.format("%.1f", seconds) + " s ("
                + String.format("%.2f", plans / seconds) + " plans/s).");
        report.add("");
        report.add("| what | count | wall s | per second | p50 ms | p99 ms |");
        report.add("|---|---|---|---|---|---|");
        report.add(row("POST /api/v1/plans (202 + Location)", postLatencies, seconds));
        report.add(row("GET /api/v1/plans/{id} while solves run (8 readers)", getLatencies, seconds));
        report.add(row(
                "GET /api/v1/plans/{id} afterwards, no solve running (baseline, 8 readers)",
                idleLatencies,
                idleSeconds));
        report.add("");
        report.add("GET p50 while solving / idle baseline: "
                + String.format("%.2f", quantile(getLatencies, 0.5) / quantile(idleLatencies, 0.5)) + "; p99 ratio: "
                + String.format("%.2f", quantile(getLatencies, 0.99) / quantile(idleLatencies, 0.99)) + ".");
        report.add("");
    }

    private static String row(String what, List<Long> nanos, double seconds) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return "| " + what + " | " + sorted.size() + " | " + String.format("%.1f", seconds) + " | "
                + String.format("%.0f", sorted.size() / seconds) + " | " + ms(sorted, 0.50) + " | " + ms(sorted, 0.99)
                + " |";
    }

    private static String ms(List<Long> sorted, double quantile) {
        return String.format("%.1f", quantile(sorted, quantile) / 1e6);
    }

    private static double quantile(List<Long> nanos, double quantile) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int index = Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1);
        return sorted.get(Math.max(0, index));
    }
}
