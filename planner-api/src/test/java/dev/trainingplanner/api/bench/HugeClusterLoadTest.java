package dev.trainingplanner.api.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.api.planning.Plans;
import dev.trainingplanner.api.security.TokenService;
import dev.trainingplanner.api.support.PlannerIntegrationTest;
import dev.trainingplanner.api.testing.Api;
import dev.trainingplanner.api.testing.ApiTestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One huge cluster must not starve everyone: a 100,000-node cluster (what ten legal uploads of 10,000 nodes make) with
 * two huge requests and a small plan submitted together, and 20 concurrent reads of its summary. The figures go to
 * {@code target/bench/huge-cluster.md} (and the planner-api README). The profile is written straight into the
 * database, as ten uploads would store it, so that the test spends its time on what it checks.
 */
@PlannerIntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HugeClusterLoadTest {

    private static final int NODES = Integer.getInteger("huge.nodes", 100_000);
    private static final int READERS = 20;
    private static final List<String> REPORT = new ArrayList<>();
    private static String huge;
    private static ApiTestSupport.Tokens tokens;

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    @Autowired
    JdbcTemplate jdbc;

    Api admin;
    Api scheduler;

    @BeforeEach
    void hugeClusterOnce() {
        if (huge == null) {
            huge = ApiTestSupport.uniqueName("huge");
            tokens = ApiTestSupport.tokens(tokenService, huge, "unused");
            new Api(port, tokens.admin()).post("/api/v1/clusters", "{\"name\":\"" + huge + "\"}");
            long start = System.nanoTime();
            store(huge, NODES);
            REPORT.add(String.format(
                    Locale.ROOT, "- %,d nodes of 8 H100s stored in %.1f s", NODES, (System.nanoTime() - start) / 1e9));
        }
        admin = new Api(port, tokens.admin());
        scheduler = admin.as(tokens.scheduler());
    }

    @Test
    @Order(1)
    void twentyConcurrentSummaryReadsAnswerWithinFiveSeconds() throws Exception {
        ExecutorService readers = Executors.newFixedThreadPool(READERS);
        try {
            List<CompletableFuture<long[]>> reads = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < READERS; i++) {
                reads.add(CompletableFuture.supplyAsync(
                        () -> {
                            long begin = System.nanoTime();
                            Api.Answer answer = admin.get("/api/v1/clusters/" + huge + "/profiles");
                            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
                            assertThat(answer.json().get("nodes").asLong()).isEqualTo(NODES);
                            assertThat(answer.json().get("gpus").asLong()).isEqualTo(8L * NODES);
                            return new long[] {
                                (System.nanoTime() - begin) / 1_000_000,
                                answer.body().length()
                            };
                        },
                        readers));
            }
            long[] millis = new long[READERS];
            long bytes = 0;
            for (int i = 0; i < READERS; i++) {
                long[] read = reads.get(i).get(120, TimeUnit.SECONDS);
                millis[i] = read[0];
                bytes = read[1];
            }
            double wall = (System.nanoTime() - start) / 1e9;
            Arrays.sort(millis);
            long p50 = millis[READERS / 2];
            long p99 = millis[(int) Math.ceil(0.99 * READERS) - 1];
            REPORT.add(String.format(
                    Locale.ROOT,
                    "- %d concurrent `GET .../profiles` (summary view, %d bytes each): wall %.1f s, p50 %,d ms, p99 %,d"
                            + " ms, max %,d ms; 0 errors",
                    READERS,
                    bytes,
                    wall,
                    p50,
                    p99,
                    millis[READERS - 1]));
            assertThat(p99).as("p99 ms of %d concurrent summary reads", READERS).isLessThanOrEqualTo(5_000);
        } finally {
            readers.shutdownNow();
            report();
        }
    }

    @Test
    @Order(2)
    void aSynchronousEstimateOnTheHugeClusterIsRefusedAtOnce() throws IOException {
        long start = System.nanoTime();
        Api.Answer answer = scheduler.post(
                "/api/v1/estimates",
                "{\"cluster\":\"" + huge + "\",\"model\":\"llama3-8b\",\"globalBatchSequences\":512,"
                        + "\"layout\":{\"tensorParallel\":8,\"pipelineParallel\":1,\"dataParallel\":8}}");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(answer.status()).as(answer.toString()).isEqualTo(422);
        assertThat(answer.json().get("field").asText()).isEqualTo("cluster");
        assertThat(answer.json().get("detail").asText()).contains("planner.estimates.max-cluster-nodes");
        REPORT.add(String.format(
                Locale.ROOT, "- a synchronous 64-GPU `POST /api/v1/estimates` on it: 422 in %.2f s", seconds));
        report();
    }

    @Test
    @Order(3)
    void aSmallPlanIsNotStarvedByHugeOnesAndStoppingOneTakesEffectWithinFiveSeconds()
            throws IOException, InterruptedException {
        String small = ApiTestSupport.uniqueName("small");
        assertThat(admin.post("/api/v1/clusters", "{\"name\":\"" + small + "\"}")
                        .status())
                .isEqualTo(201);
        assertThat(admin.post("/api/v1/clusters/" + small + "/profiles", ApiTestSupport.profile(small, 4, 8))
                        .status())
                .isEqualTo(201);
        String hugeRequest =
                "{\"cluster\":\"" + huge + "\",\"model\":\"llama3-70b\",\"goal\":{\"globalBatchSequences\":"
                        + "4096,\"gpus\":8192},\"options\":{\"timeLimitSeconds\":600}}";
        String first = scheduler.post("/api/v1/plans", hugeRequest).header("Location");
        String second = scheduler.post("/api/v1/plans", hugeRequest).header("Location");
        long submitted = System.nanoTime();
        String smallPlan = scheduler
                .post(
                        "/api/v1/plans",
                        "{\"cluster\":\"" + small + "\",\"model\":\"gpt3-1.3b\",\"goal\":{\"globalBatchSequences\":64,"
                                + "\"gpus\":16},\"options\":{\"timeLimitSeconds\":3}}")
                .header("Location");
        try {
            JsonNode done = Plans.awaitFinished(scheduler, smallPlan, Duration.ofSeconds(60));
            double smallSeconds = (System.nanoTime() - submitted) / 1e9;
            assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("COMPLETED");
            REPORT.add(String.format(
                    Locale.ROOT,
                    "- a 3 s plan on a 4-node cluster submitted after two 8,192-GPU plans on the huge cluster: COMPLETED"
                            + " %.1f s after submission",
                    smallSeconds));
            // One huge plan solves while the other waits for the large-solve slot; which of the two the dispatcher
            // claims first is a race between their submissions.
            assertThat(awaitOneSolving(List.of(first, second), Duration.ofSeconds(30)))
                    .contains("SOLVING");
        } finally {
            for (String plan : List.of(first, second)) {
                long stop = System.nanoTime();
                scheduler.delete(plan);
                JsonNode stopped = Plans.awaitFinished(scheduler, plan, Duration.ofSeconds(30));
                double stopSeconds = (System.nanoTime() - stop) / 1e9;
                REPORT.add(String.format(
                        Locale.ROOT,
                        "- `DELETE` of a huge plan (%s when stopped): %s after %.1f s",
                        stopped.get("attempts").asInt() == 0 ? "queued" : "solving",
                        stopped.get("status").asText(),
                        stopSeconds));
                assertThat(stopSeconds).as("seconds until a stopped plan ended").isLessThanOrEqualTo(5.0);
            }
            report();
        }
    }

    /** The statuses of {@code plans} once one of them is SOLVING, or when {@code timeout} has passed. */
    private List<String> awaitOneSolving(List<String> plans, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> statuses;
        do {
            statuses = plans.stream()
                    .map(plan -> scheduler.get(plan).json().get("status").asText())
                    .toList();
            if (statuses.contains("SOLVING")) {
                return statuses;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return statuses;
    }

    /** Writes {@code nodes} node measurements and a default link for {@code cluster}, as one upload would. */
    private void store(String cluster, int nodes) {
        long clusterId = jdbc.queryForObject("select id from cluster where name = ?", Long.class, cluster);
        Timestamp now = Timestamp.from(Instant.now());
        long upload = jdbc.queryForObject(
                "insert into profile_upload (cluster_id, received_at, body, body_sha256) values (?, ?, '{}', encode(sha256('{}'), 'hex')) returning id",
                Long.class,
                clusterId,
                now);
        String gpus = "{\"index\":0,\"type\":\"H100-80GB\",\"memoryBytes\":85520809984}";
        StringBuilder eight = new StringBuilder(gpus);
        for (int g = 1; g < 8; g++) {
            eight.append(',').append(gpus.replace("\"index\":0", "\"index\":" + g));
        }
        jdbc.update(
                """
                insert into profile_measurement (cluster_id, upload_id, kind, subject, measured_at, received_at, body)
                select ?, ?, 'node', 'node-' || i, ?, ?,
                       '{"name":"node-' || i || '","gpus":[' || ? || '],"measuredAt":"' || ? || '"}'
                from generate_series(0, ? - 1) i""",
                clusterId,
                upload,
                now,
                now,
                eight.toString(),
                now.toInstant().toString(),
                nodes);
        jdbc.update(
                """
                insert into profile_measurement (cluster_id, upload_id, kind, subject, measured_at, received_at, body)
                values (?, ?, 'default-link', 'default', ?, ?, '{"bandwidthGbps":400.0,"latencyUs":5.0}')""",
                clusterId,
                upload,
                now,
                now);
        jdbc.execute("analyze profile_measurement");
    }

    private static void report() throws IOException {
        Path out = Path.of("target/bench/huge-cluster.md");
        Files.createDirectories(out.getParent());
        Files.write(out, REPORT);
    }
}
