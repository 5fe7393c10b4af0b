package dev.trainingplanner.api.replanning;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

@PlannerIntegrationTest
// The webhook receiver of these tests listens on 127.0.0.1, which only the explicit admin setting allows.
@TestPropertySource(
        properties = {
            "planner.webhooks.allow-private-targets=true",
            "planner.embedded-postgres.data-directory=target/test-postgres-webhooks"
        })
class ReplanningApiTest {

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .findAndAddModules()
            .build();

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    @Autowired
    NightlyReplanning nightly;

    @Autowired
    JdbcTemplate jdbc;

    Api admin;
    Api agent;
    Api scheduler;
    String cluster;
    HttpServer webhook;
    final BlockingQueue<String> webhookCalls = new LinkedBlockingQueue<>();

    @BeforeEach
    void setUp() throws IOException {
        cluster = ApiTestSupport.uniqueName("night");
        ApiTestSupport.Tokens tokens = ApiTestSupport.tokens(tokenService, cluster, "b");
        admin = new Api(port, tokens.admin());
        agent = admin.as(tokens.agentOfA());
        scheduler = admin.as(tokens.scheduler());
        admin.post("/api/v1/clusters", "{\"name\":\"" + cluster + "\"}");
        assertThat(agent.post("/api/v1/clusters/" + cluster + "/profiles", ApiTestSupport.profile(cluster, 8, 8))
                        .status())
                .isEqualTo(201);
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
    void aNightRePlansEachJobOnceRecordsWhatChangedAndFlagsASlowerPlan() throws Exception {
        String jobId = scheduler
                .post(
                        "/api/v1/jobs",
                        "{\"name\":\"nightly\",\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\","
                                + "\"goal\":{\"globalBatchSequences\":64,\"gpus\":32},\"options\":{\"timeLimitSeconds\":3},"
                                + "\"webhookUrl\":\"http://127.0.0.1:"
                                + webhook.getAddress().getPort() + "/flags\"}")
                .json()
                .get("id")
                .asText();
        Api.Answer replan = scheduler.post("/api/v1/jobs/" + jobId + "/replan", "");
        assertThat(replan.status()).as(replan.toString()).isEqualTo(202);
        JsonNode first = Plans.awaitFinished(scheduler, replan.header("Location"), Duration.ofSeconds(120));
        assertThat(first.get("status").asText()).as(first.toString()).isEqualTo("COMPLETED");
        awaitRevisions(jobId, 1);
        assertThat(scheduler
                        .get("/api/v1/jobs/" + jobId)
                        .json()
                        .get("currentPlanId")
                        .asText())
                .isEqualTo(first.get("id").asText());

        // The links between the nodes the current plan uses degrade to 1 Gbit/s; the other nodes stay healthy.
        Set<String> used = new HashSet<>();
        first.at("/result/launch/ranks")
                .forEach(rank -> used.add(rank.get("node").asText()));
        StringBuilder links = new StringBuilder("{\"name\":\"" + cluster + "\",\"links\":[");
        for (String from : used) {
            for (String to : used) {
                if (!from.equals(to)) {
                    links.append(links.charAt(links.length() - 1) == '[' ? "" : ",")
                            .append("{\"from\":\"" + from + "\",\"to\":\"" + to
                                    + "\",\"bandwidthGbps\":1.0,\"latencyUs\":50.0}");
                }
            }
        }
        assertThat(agent.post("/api/v1/clusters/" + cluster + "/profiles", links + "]}")
                        .status())
                .isEqualTo(201);

        LocalDate night = LocalDate.now(ZoneOffset.UTC);
        CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> nightly.fanOut(night));
        CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> nightly.fanOut(night));
        a.get(60, TimeUnit.SECONDS);
        b.get(60, TimeUnit.SECONDS);
        nightly.fanOut(night);
        assertThat(jdbc.queryForObject(
                        "select count(*) from plan_run where nightly_key = ?", Long.class, jobId + "@" + night))
                .isEqualTo(1L);

        JsonNode revision = awaitRevisions(jobId, 2).get(0);
        assertThat(revision.get("night").asText()).isEqualTo(night.toString());
        assertThat(revision.get("predictedBeforeSeconds").asDouble())
                .isGreaterThanOrEqualTo(
                        1.05 * revision.get("predictedAfterSeconds").asDouble());
        assertThat(revision.get("flags").toString()).contains(RevisionRecorder.SLOWER);
        assertThat(revision.at("/changes/movedRanks/count").asInt()).isPositive();
        JsonNode flags = scheduler.get("/api/v1/jobs/" + jobId).json().get("flags");
        assertThat(flags.get("flags").toString()).contains(RevisionRecorder.SLOWER);
        assertThat(scheduler
                        .get("/api/v1/jobs/" + jobId)
                        .json()
                        .get("currentPlanId")
                        .asText())
                .as("a nightly run flags but does not replace the current plan")
                .isEqualTo(first.get("id").asText());

        String call = webhookCalls.poll(30, TimeUnit.SECONDS);
        assertThat(call).contains(RevisionRecorder.SLOWER).contains(jobId);
    }

    @Test
    void aNightWithoutAFeasiblePlanFlagsTheJobAndChecksItsCurrentPlan() throws Exception {
        String jobId = scheduler
                .post(
                        "/api/v1/jobs",
                        "{\"name\":\"full\",\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\","
                                + "\"goal\":{\"globalBatchSequences\":64,\"gpus\":32},\"options\":{\"timeLimitSeconds\":3}}")
                .json()
                .get("id")
                .asText();
        JsonNode first = Plans.awaitFinished(
                scheduler,
                scheduler.post("/api/v1/jobs/" + jobId + "/replan", "").header("Location"),
                Duration.ofSeconds(120));
        assertThat(first.get("status").asText()).as(first.toString()).isEqualTo("COMPLETED");
        awaitRevisions(jobId, 1);

        // Other processes now hold all but about half a gigabyte of every GPU.
        StringBuilder nodes = new StringBuilder("{\"name\":\"" + cluster + "\",\"nodes\":[");
        for (int n = 0; n < 8; n++) {
            nodes.append(n == 0 ? "" : ",")
                    .append(ApiTestSupport.node("node-" + n, 8)
                            .replace(
                                    "\"memoryBytes\":85520809984",
                                    "\"memoryBytes\":85520809984,\"memoryUsedBytes\":85000000000"));
        }
        assertThat(agent.post("/api/v1/clusters/" + cluster + "/profiles", nodes + "]}")
                        .status())
                .isEqualTo(201);

        nightly.fanOut(LocalDate.now(ZoneOffset.UTC));
        JsonNode revision = awaitRevisions(jobId, 2).get(0);
        assertThat(revision.get("flags").toString())
                .contains(RevisionRecorder.NIGHTLY_SOLVE_FAILED)
                .contains(RevisionRecorder.NO_LONGER_FITS);
        assertThat(revision.at("/changes/newPlanFailure").asText()).isNotBlank();
        assertThat(revision.get("predictedAfterSeconds").isNull()).isTrue();
    }

    /**
     * A revision's changes hold only the keys its OpenAPI schema ({@link RevisionChanges}) documents: read strictly, an
     * undocumented key the recorder writes fails.
     */
    private static void assertDocumented(JsonNode changes) {
        try {
            STRICT.treeToValue(changes, RevisionChanges.class);
        } catch (JsonProcessingException e) {
            throw new AssertionError("revision changes differ from their documented schema: " + changes, e);
        }
    }

    @Test
    void concurrentReplansJoinTheOneInFlightAndRevisionsStayAChain() throws Exception {
        String jobId = scheduler
                .post(
                        "/api/v1/jobs",
                        "{\"name\":\"racing\",\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\","
                                + "\"goal\":{\"globalBatchSequences\":64,\"gpus\":16},\"options\":{\"timeLimitSeconds\":2}}")
                .json()
                .get("id")
                .asText();
        List<String> finishedInOrder = new ArrayList<>();
        for (int round = 1; round <= 2; round++) {
            List<CompletableFuture<Api.Answer>> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> scheduler.post("/api/v1/jobs/" + jobId + "/replan", "")));
            }
            Set<String> locations = new HashSet<>();
            for (CompletableFuture<Api.Answer> call : calls) {
                Api.Answer answer = call.get(60, TimeUnit.SECONDS);
                assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
                locations.add(answer.header("Location"));
            }
            assertThat(locations)
                    .as("10 concurrent re-plans of one job start one solve")
                    .hasSize(1);
            JsonNode plan = Plans.awaitFinished(scheduler, locations.iterator().next(), Duration.ofSeconds(120));
            assertThat(plan.get("status").asText()).as(plan.toString()).isEqualTo("COMPLETED");
            finishedInOrder.add(plan.get("id").asText());
            awaitRevisions(jobId, round);
        }
        assertThat(jdbc.queryForObject("select count(*) from plan_run where job_id = ?::uuid", Long.class, jobId))
                .isEqualTo(2);
        JsonNode revisions =
                scheduler.get("/api/v1/jobs/" + jobId + "/revisions").json();
        assertThat(revisions).hasSize(2);
        // Newest first: the newest revision's previous plan is the plan of the one before it.
        assertThat(revisions.get(0).get("planId").asText()).isEqualTo(finishedInOrder.get(1));
        assertThat(revisions.get(0).at("/changes/previousPlanId").asText()).isEqualTo(finishedInOrder.get(0));
        assertThat(revisions.get(1).at("/changes/previousPlanId").isNull()).isTrue();
        assertThat(scheduler
                        .get("/api/v1/jobs/" + jobId)
                        .json()
                        .get("currentPlanId")
                        .asText())
                .isEqualTo(finishedInOrder.get(1));
    }

    private JsonNode awaitRevisions(String jobId, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        JsonNode revisions;
        do {
            revisions = scheduler.get("/api/v1/jobs/" + jobId + "/revisions").json();
            if (revisions.size() >= count) {
                for (JsonNode revision : revisions) {
                    assertDocumented(revision.get("changes"));
                }
                return revisions;
            }
            Thread.sleep(300);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("expected " + count + " revisions, got " + revisions);
    }
}
