package dev.trainingplanner.api.measurement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.trainingplanner.api.planning.Plans;
import dev.trainingplanner.api.security.TokenService;
import dev.trainingplanner.api.support.PlannerIntegrationTest;
import dev.trainingplanner.api.testing.Api;
import dev.trainingplanner.api.testing.ApiTestSupport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * The flags measured steps raise, against the real service and PostgreSQL: a job on 16 H100s with one completed plan
 * and a webhook receiver on 127.0.0.1 (allowed by the admin setting, as in the re-planning tests). Samples are made
 * from the plan's own prediction and memory capacities, so the thresholds are crossed by construction.
 */
@PlannerIntegrationTest
@TestPropertySource(
        properties = {
            "planner.webhooks.allow-private-targets=true",
            "planner.embedded-postgres.data-directory=target/test-postgres-webhooks"
        })
class MeasurementFlagsApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    Api scheduler;
    String cluster;
    HttpServer webhook;
    final BlockingQueue<String> webhookCalls = new LinkedBlockingQueue<>();

    @BeforeEach
    void setUp() throws IOException {
        cluster = ApiTestSupport.uniqueName("flagged");
        ApiTestSupport.Tokens tokens = ApiTestSupport.tokens(tokenService, cluster, "other-cluster");
        Api admin = new Api(port, tokens.admin());
        ApiTestSupport.registerProfiledCluster(admin, tokens, cluster, 2, 8);
        scheduler = admin.as(tokens.scheduler());
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/flags", exchange -> {
            webhookCalls.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.start();
    }

    @AfterEach
    void stopWebhook() {
        webhook.stop(0);
    }

    @Test
    void aJobSlowerThanItsPlanOrNearItsMemoryIsFlaggedOnceAndItsWebhookToldOnce() throws Exception {
        String jobId = scheduler
                .post(
                        "/api/v1/jobs",
                        "{\"name\":\"flagged\",\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\","
                                + "\"goal\":{\"globalBatchSequences\":64,\"gpus\":16},"
                                + "\"options\":{\"timeLimitSeconds\":2},"
                                + "\"webhookUrl\":\"http://127.0.0.1:"
                                + webhook.getAddress().getPort() + "/flags\"}")
                .json()
                .get("id")
                .asText();
        Api.Answer started = scheduler.post("/api/v1/plans", "{\"jobId\":\"" + jobId + "\"}");
        JsonNode plan = Plans.awaitFinished(scheduler, started.header("Location"), Duration.ofSeconds(180));
        assertThat(plan.get("status").asText()).as(plan.toString()).isEqualTo("COMPLETED");
        double predicted = plan.at("/result/plan/estimate/iterationTimeSeconds").asDouble();
        double headroom = plan.at("/result/plan/problem/headroomFraction").asDouble();
        double capacity =
                plan.at("/result/plan/estimate/rankMemory/3/capacityBytes").asDouble();
        assertThat(headroom).as("the default headroom").isEqualTo(0.05);
        String path = "/api/v1/jobs/" + jobId + "/measurements";

        // Warm-up 5x slower, then 5 % slower: within the default 10 %, so nothing is flagged.
        assertThat(upload(path, 0, 9, 5 * predicted, "")).isEqualTo(201);
        assertThat(upload(path, 10, 19, 1.05 * predicted, "")).isEqualTo(201);
        assertThat(scheduler.get("/api/v1/jobs/" + jobId).json().get("measurementFlags"))
                .isEmpty();
        assertThat(webhookCalls.poll(2, TimeUnit.SECONDS)).isNull();

        // 30 more steps 30 % slower: the median of the 40 steps after warm-up is 1.3x the prediction.
        assertThat(upload(path, 20, 49, 1.3 * predicted, "")).isEqualTo(201);
        JsonNode flags = scheduler.get("/api/v1/jobs/" + jobId).json().get("measurementFlags");
        assertThat(flags).hasSize(1);
        JsonNode slower = flags.get(0);
        assertThat(slower.get("kind").asText()).isEqualTo("slowerThanPlan");
        assertThat(slower.get("planRevision").asInt()).isEqualTo(1);
        assertThat(slower.at("/slowerThanPlan/medianIterationSeconds").asDouble())
                .isCloseTo(1.3 * predicted, within(1e-9));
        assertThat(slower.at("/slowerThanPlan/predictedIterationSeconds").asDouble())
                .isEqualTo(predicted);
        assertThat(slower.at("/slowerThanPlan/slowdownFraction").asDouble()).isCloseTo(0.3, within(1e-9));
        assertThat(slower.at("/slowerThanPlan/thresholdFraction").asDouble()).isEqualTo(0.10);
        JsonNode measurements = scheduler.get(path).json();
        assertThat(measurements.get("flags")).isEqualTo(flags);
        assertThat(measurements.at("/predictions/0/planRevision").asInt()).isEqualTo(1);
        assertThat(measurements.at("/predictions/0/predictedIterationSeconds").asDouble())
                .isEqualTo(predicted);
        JsonNode call = JSON.readTree(webhookCalls.poll(30, TimeUnit.SECONDS));
        assertThat(call.get("jobId").asText()).isEqualTo(jobId);
        assertThat(call.get("kind").asText()).isEqualTo("slowerThanPlan");
        assertThat(call.at("/slowerThanPlan/slowdownFraction").asDouble()).isCloseTo(0.3, within(1e-9));

        // More slow steps, and a resend: the flag stays raised (first raised when it was) and is not sent again.
        assertThat(upload(path, 50, 59, 1.3 * predicted, "")).isEqualTo(201);
        assertThat(upload(path, 50, 59, 1.3 * predicted, "")).isEqualTo(200);
        assertThat(scheduler.get(path).json().at("/flags/0/raisedAt")).isEqualTo(slower.get("raisedAt"));

        // Rank 3 peaks half-way into the headroom, rank 0 well below its limit.
        long intoHeadroom = (long) (capacity * (1 - headroom / 2));
        assertThat(upload(
                        path,
                        60,
                        60,
                        1.3 * predicted,
                        ",\"peakMemoryBytesPerRank\":{\"0\":1000000000,\"3\":" + intoHeadroom + "}"))
                .isEqualTo(201);
        JsonNode memory = JSON.readTree(webhookCalls.poll(30, TimeUnit.SECONDS));
        assertThat(memory.get("kind").asText()).isEqualTo("memoryNearCapacity");
        assertThat(memory.at("/memoryNearCapacity/rank").asInt()).isEqualTo(3);
        assertThat(memory.at("/memoryNearCapacity/peakMemoryBytes").asLong()).isEqualTo(intoHeadroom);
        assertThat(memory.at("/memoryNearCapacity/limitBytes").asLong()).isEqualTo((long) (capacity * (1 - headroom)));
        assertThat(webhookCalls.poll(2, TimeUnit.SECONDS))
                .as("one call per newly raised flag")
                .isNull();
        JsonNode both = scheduler.get("/api/v1/jobs/" + jobId).json().get("measurementFlags");
        assertThat(both).hasSize(2);
        assertThat(both.get(1).get("kind").asText()).isEqualTo("memoryNearCapacity");
        assertThat(both.get(1).at("/memoryNearCapacity/capacityBytes").asLong()).isEqualTo((long) capacity);
    }

    @Test
    void concurrentUploadsThatRaiseTheSameFlagSendItOnce() throws Exception {
        String jobId = plannedJob("raced");
        double predicted = predicted(jobId);
        String path = "/api/v1/jobs/" + jobId + "/measurements";
        assertThat(upload(path, 0, 9, predicted, "")).isEqualTo(201);
        // Eight uploads at once, each of its own 10 steps at twice the prediction: each one alone raises the flag.
        List<CompletableFuture<Integer>> uploads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            long from = 10 + 10L * i;
            uploads.add(CompletableFuture.supplyAsync(() -> upload(path, from, from + 9, 2 * predicted, "")));
        }
        for (CompletableFuture<Integer> upload : uploads) {
            assertThat(upload.get(60, TimeUnit.SECONDS)).isEqualTo(201);
        }
        assertThat(webhookCalls.poll(30, TimeUnit.SECONDS)).contains("slowerThanPlan");
        assertThat(webhookCalls.poll(3, TimeUnit.SECONDS))
                .as("the flag reaches the webhook once")
                .isNull();
        assertThat(scheduler.get(path).json().get("flags")).hasSize(1);
    }

    private String plannedJob(String name) {
        String jobId = scheduler
                .post(
                        "/api/v1/jobs",
                        "{\"name\":\"" + name + "\",\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\","
                                + "\"goal\":{\"globalBatchSequences\":64,\"gpus\":16},"
                                + "\"options\":{\"timeLimitSeconds\":2},"
                                + "\"webhookUrl\":\"http://127.0.0.1:"
                                + webhook.getAddress().getPort() + "/flags\"}")
                .json()
                .get("id")
                .asText();
        Api.Answer started = scheduler.post("/api/v1/plans", "{\"jobId\":\"" + jobId + "\"}");
        JsonNode plan = Plans.awaitFinished(scheduler, started.header("Location"), Duration.ofSeconds(180));
        assertThat(plan.get("status").asText()).as(plan.toString()).isEqualTo("COMPLETED");
        return jobId;
    }

    private double predicted(String jobId) {
        String planId = scheduler
                .get("/api/v1/jobs/" + jobId)
                .json()
                .get("currentPlanId")
                .asText();
        return scheduler
                .get("/api/v1/plans/" + planId)
                .json()
                .at("/result/plan/estimate/iterationTimeSeconds")
                .asDouble();
    }

    /** Uploads steps {@code from}-{@code to} of revision 1, each taking {@code seconds}; answers the status. */
    private int upload(String path, long from, long to, double seconds, String extra) {
        List<String> samples = new ArrayList<>();
        for (long step = from; step <= to; step++) {
            samples.add(String.format(
                    Locale.ROOT,
                    "{\"planRevision\":1,\"step\":%d,\"iterationSeconds\":%s,\"tokensPerSecond\":65536,"
                            + "\"timestamp\":\"%s\"%s}",
                    step,
                    seconds,
                    Instant.parse("2026-01-01T00:00:00Z").plusSeconds(step),
                    extra));
        }
        Api.Answer answer = scheduler.post(path, "[" + String.join(",", samples) + "]");
        assertThat(answer.status()).as(answer.toString()).isIn(200, 201);
        return answer.status();
    }
}
