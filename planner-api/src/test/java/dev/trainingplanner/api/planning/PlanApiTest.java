package dev.trainingplanner.api.planning;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.api.security.TokenService;
import dev.trainingplanner.api.support.PlannerIntegrationTest;
import dev.trainingplanner.api.testing.Api;
import dev.trainingplanner.api.testing.ApiTestSupport;
import dev.trainingplanner.engine.plan.SearchOptions;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

@PlannerIntegrationTest
class PlanApiTest {

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    ApiTestSupport.Tokens tokens;
    Api admin;
    Api scheduler;
    String cluster;

    @BeforeEach
    void clusterWithAProfile() {
        cluster = ApiTestSupport.uniqueName("plan");
        tokens = ApiTestSupport.tokens(tokenService, cluster, "b");
        admin = new Api(port, tokens.admin());
        scheduler = admin.as(tokens.scheduler());
        ApiTestSupport.registerProfiledCluster(admin, tokens, cluster, 4, 8);
    }

    @Test
    void aJobIsPlannedAsynchronouslyAndKeepsItsPlan() {
        Api.Answer job = scheduler.post("/api/v1/jobs", job(cluster, "gpt3-1.3b", 32, 64, 3));
        assertThat(job.status()).as(job.toString()).isEqualTo(201);
        String jobId = job.json().get("id").asText();

        Api.Answer started = scheduler.post("/api/v1/plans", "{\"jobId\":\"" + jobId + "\"}");
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        String location = started.header("Location");
        assertThat(location).startsWith("/api/v1/plans/");

        JsonNode plan = Plans.awaitFinished(admin.as(tokens.viewer()), location, Duration.ofSeconds(120));
        assertThat(plan.get("status").asText()).as(plan.toString()).isEqualTo("COMPLETED");
        assertThat(plan.get("progress").asDouble()).isEqualTo(1.0);
        JsonNode result = plan.get("result");
        assertThat(result.get("predictedIterationSeconds").asDouble()).isPositive();
        assertThat(result.at("/plan/estimate/iterationTimeSeconds").asDouble()).isPositive();
        assertThat(result.at("/plan/explanation/summary").asText()).isNotBlank();
        JsonNode launch = result.get("launch");
        assertThat(launch.get("ranks")).hasSize(32);
        Set<String> gpus = new HashSet<>();
        launch.get("ranks")
                .forEach(r ->
                        gpus.add(r.get("node").asText() + "/" + r.get("gpu").asInt()));
        assertThat(gpus).hasSize(32);

        assertThat(scheduler
                        .get("/api/v1/jobs/" + jobId)
                        .json()
                        .get("currentPlanId")
                        .asText())
                .isEqualTo(plan.get("id").asText());
        assertThat(scheduler.get("/api/v1/plans?jobId=" + jobId).json()).hasSize(1);

        Api.Answer rescored = scheduler.post(
                "/api/v1/estimates", "{\"planId\":\"" + plan.get("id").asText() + "\"}");
        assertThat(rescored.status()).as(rescored.toString()).isEqualTo(200);
        assertThat(rescored.json().get("changeRatio").asDouble())
                .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void aStandAlonePlanCanBeStopped() {
        Api.Answer started = scheduler.post(
                "/api/v1/plans",
                "{\"cluster\":\"" + cluster + "\",\"model\":\"llama2-7b\",\"goal\":{\"globalBatchSequences\":256,"
                        + "\"gpus\":32},\"options\":{\"timeLimitSeconds\":120}}");
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        String location = started.header("Location");
        Plans.awaitStatus(scheduler, location, "SOLVING", Duration.ofSeconds(60));

        Api.Answer stopped = scheduler.delete(location);
        assertThat(stopped.status()).isIn(200, 202);
        JsonNode plan = Plans.awaitFinished(scheduler, location, Duration.ofSeconds(60));
        assertThat(plan.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(plan.get("failureReason").asText()).contains("stopped");
        assertThat(scheduler.delete(location).status()).isEqualTo(409);
    }

    @Test
    void theBestPlanSoFarIsVisibleWhileSolving() {
        String large = ApiTestSupport.uniqueName("plan-large");
        assertThat(admin.post("/api/v1/clusters", "{\"name\":\"" + large + "\"}")
                        .status())
                .isEqualTo(201);
        assertThat(admin.post("/api/v1/clusters/" + large + "/profiles", ApiTestSupport.profile(large, 64, 8))
                        .status())
                .isEqualTo(201);
        Api.Answer started = scheduler.post(
                "/api/v1/plans",
                "{\"cluster\":\"" + large + "\",\"model\":\"llama2-70b\",\"goal\":{\"globalBatchSequences\":512,"
                        + "\"gpus\":512},\"options\":{\"timeLimitSeconds\":120}}");
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        String location = started.header("Location");

        JsonNode solving = Plans.awaitBestSoFar(scheduler, location, Duration.ofSeconds(90));

        // Before the result, the best plan so far is the search's best placement: layout and predicted time.
        assertThat(solving.get("status").asText()).as(solving.toString()).isEqualTo("SOLVING");
        JsonNode best = solving.get("bestSoFar");
        assertThat(best.path("predictedIterationSeconds").asDouble())
                .as("best plan so far: %s", best)
                .isPositive();
        assertThat(best.path("layout").asText()).startsWith("tp");
        assertThat(solving.get("result").isNull()).isTrue();
        scheduler.delete(location);
        assertThat(Plans.awaitFinished(scheduler, location, Duration.ofSeconds(60))
                        .get("status")
                        .asText())
                .isIn("CANCELLED", "COMPLETED");
    }

    @Test
    void badPlanRequestsAreSpecificProblems() {
        Api.Answer unknownCluster = scheduler.post(
                "/api/v1/plans",
                "{\"cluster\":\"nope\",\"model\":\"gpt3-1.3b\",\"goal\":{\"globalBatchSequences\":8,\"gpus\":8}}");
        assertThat(unknownCluster.status()).isEqualTo(422);
        assertThat(unknownCluster.json().get("field").asText()).isEqualTo("cluster");

        Api.Answer unknownModel = scheduler.post(
                "/api/v1/plans",
                "{\"cluster\":\"" + cluster
                        + "\",\"model\":\"gpt-9\",\"goal\":{\"globalBatchSequences\":8,\"gpus\":8}}");
        assertThat(unknownModel.status()).isEqualTo(422);
        assertThat(unknownModel.json().get("field").asText()).isEqualTo("model");

        Api.Answer negative = scheduler.post(
                "/api/v1/plans",
                "{\"cluster\":\"" + cluster
                        + "\",\"model\":\"gpt3-1.3b\",\"goal\":{\"globalBatchSequences\":-8,\"gpus\":8}}");
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.json().get("field").asText()).isEqualTo("goal.globalBatchSequences");

        Api.Answer unknownJob = scheduler.post("/api/v1/plans", "{\"jobId\":\"00000000-0000-0000-0000-000000000000\"}");
        assertThat(unknownJob.status()).isEqualTo(422);
        assertThat(unknownJob.json().get("field").asText()).isEqualTo("jobId");

        Api.Answer badId = scheduler.get("/api/v1/plans/not-a-uuid");
        assertThat(badId.status()).isEqualTo(400);
        assertThat(scheduler
                        .get("/api/v1/plans/00000000-0000-0000-0000-000000000000")
                        .status())
                .isEqualTo(404);
        assertThat(admin.as(tokens.viewer())
                        .post("/api/v1/plans", "{\"jobId\":\"00000000-0000-0000-0000-000000000000\"}")
                        .status())
                .isEqualTo(403);
    }

    @Test
    void costPerTokenChoosesTheGpuCount() {
        Api.Answer started = scheduler.post(
                "/api/v1/plans",
                "{\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\",\"goal\":{\"globalBatchSequences\":64,"
                        + "\"gpus\":32,\"objective\":\"cost-per-token\",\"gpuHourPrice\":2.0}}");
        assertThat(started.status()).as(started.toString()).isEqualTo(202);

        JsonNode plan = Plans.awaitFinished(scheduler, started.header("Location"), Duration.ofSeconds(120));

        assertThat(plan.get("status").asText()).as(plan.toString()).isEqualTo("COMPLETED");
        JsonNode search = plan.at("/result/plan/gpuCountSearch");
        assertThat(search.get("objective").asText()).isEqualTo("cost-per-token");
        assertThat(search.get("maxGpus").asInt()).isEqualTo(32);
        int chosen = search.get("chosenGpus").asInt();
        assertThat(chosen).isBetween(1, 32);
        assertThat(plan.at("/result/launch/ranks")).hasSize(chosen);
        assertThat(search.get("candidates").size()).isGreaterThan(1);
    }

    @Test
    void costBoundsWithoutTheirObjectiveAreRejected() {
        Api.Answer bounded = scheduler.post(
                "/api/v1/plans",
                "{\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\",\"goal\":{\"globalBatchSequences\":64,"
                        + "\"gpus\":32,\"maxIterationSeconds\":2.0}}");
        assertThat(bounded.status()).isEqualTo(400);
        assertThat(bounded.json().get("detail").asText()).contains("only with objective cost-per-token");

        Api.Answer objective = scheduler.post(
                "/api/v1/plans",
                "{\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\",\"goal\":{\"globalBatchSequences\":64,"
                        + "\"gpus\":32,\"objective\":\"cheap\"}}");
        assertThat(objective.status()).isEqualTo(400);
        assertThat(objective.json().get("field").asText()).isEqualTo("goal.objective");
    }

    @Test
    void whatCanBeKnownAtSubmissionIsRefusedUpFront() {
        Api.Answer tooMany = scheduler.post(
                "/api/v1/plans",
                "{\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\",\"goal\":{\"globalBatchSequences\":64,"
                        + "\"gpus\":4096}}");
        assertThat(tooMany.status()).as(tooMany.toString()).isEqualTo(422);
        assertThat(tooMany.json().get("field").asText()).isEqualTo("goal.gpus");
        assertThat(tooMany.json().get("detail").asText()).contains("4096", "32 usable");

        Api.Answer afterExclusion = scheduler.post(
                "/api/v1/plans",
                "{\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\",\"goal\":{\"globalBatchSequences\":64,"
                        + "\"gpus\":32},\"options\":{\"excludeNodes\":[\"node-3\"]}}");
        assertThat(afterExclusion.status()).as(afterExclusion.toString()).isEqualTo(422);
        assertThat(afterExclusion.json().get("detail").asText()).contains("24 usable");

        String empty = ApiTestSupport.uniqueName("plan-empty");
        assertThat(admin.post("/api/v1/clusters", "{\"name\":\"" + empty + "\"}")
                        .status())
                .isEqualTo(201);
        Api.Answer noProfile = scheduler.post(
                "/api/v1/plans",
                "{\"cluster\":\"" + empty + "\",\"model\":\"gpt3-1.3b\",\"goal\":{\"globalBatchSequences\":64,"
                        + "\"gpus\":8}}");
        assertThat(noProfile.status()).as(noProfile.toString()).isEqualTo(422);
        assertThat(noProfile.json().get("field").asText()).isEqualTo("cluster");
        assertThat(noProfile.json().get("detail").asText()).contains("no profile yet");
        assertThat(scheduler.get("/api/v1/plans?limit=500").body()).doesNotContain(empty);
    }

    @Test
    void theArtifactsOfAFailedPlanSayItFailed() {
        Api.Answer started = scheduler.post(
                "/api/v1/plans",
                "{\"cluster\":\"" + cluster + "\",\"model\":\"llama3-70b\",\"goal\":{\"globalBatchSequences\":8,"
                        + "\"gpus\":1}}");
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        JsonNode plan = Plans.awaitFinished(scheduler, started.header("Location"), Duration.ofSeconds(60));
        assertThat(plan.get("status").asText()).isEqualTo("FAILED");

        Api.Answer artifact = scheduler.get(started.header("Location") + "/artifacts/hostfile");

        assertThat(artifact.status()).isEqualTo(409);
        assertThat(artifact.json().get("detail").asText())
                .contains("failed: " + plan.get("failureReason").asText())
                .doesNotContain("no result yet");
    }

    @Test
    void theListSummarisesEveryPlan() {
        Api.Answer started = scheduler.post(
                "/api/v1/plans",
                "{\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\",\"goal\":{\"globalBatchSequences\":64,"
                        + "\"sequenceLength\":4096,\"gpus\":16}}");
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        JsonNode plan = Plans.awaitFinished(scheduler, started.header("Location"), Duration.ofSeconds(120));
        assertThat(plan.get("status").asText()).as(plan.toString()).isEqualTo("COMPLETED");
        assertThat(plan.at("/result/plan/problem/sequenceLength").asInt())
                .as("the goal's sequence length, not the model's 2048")
                .isEqualTo(4096);

        JsonNode row = null;
        for (JsonNode summary : scheduler.get("/api/v1/plans?limit=500").json()) {
            if (summary.get("id").asText().equals(plan.get("id").asText())) {
                row = summary;
            }
        }

        assertThat(row).isNotNull();
        assertThat(row.get("model").asText()).isEqualTo("gpt3-1.3b");
        assertThat(row.get("gpus").asInt()).isEqualTo(16);
        assertThat(row.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(row.get("layout").asText())
                .isEqualTo(plan.at("/result/plan/layout/summary").asText());
        assertThat(row.get("iterationTimeSeconds").asDouble())
                .isEqualTo(plan.at("/result/plan/estimate/iterationTimeSeconds").asDouble());
    }

    @Test
    void theDefaultsAreTheEnginesAndServedOnce() {
        Api.Answer defaults = admin.as(tokens.viewer()).get("/api/v1/plans/defaults");

        assertThat(defaults.status()).as(defaults.toString()).isEqualTo(200);
        SearchOptions engine = SearchOptions.defaults();
        JsonNode options = defaults.json().get("options");
        assertThat(options.get("headroomFraction").asDouble()).isEqualTo(engine.headroomFraction());
        assertThat(options.get("allowZeroPlusPlus").asBoolean()).isEqualTo(engine.allowZeroPlusPlus());
        assertThat(options.get("maxLadderFraction").asDouble()).isEqualTo(engine.maxLadderFraction());
        assertThat(options.get("layoutPoolSize").asInt()).isEqualTo(engine.layoutPoolSize());
        assertThat(defaults.json().get("framework").asText()).isEqualTo("megatron");

        Api.Answer bothBudgets = scheduler.post(
                "/api/v1/plans",
                "{\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\",\"goal\":{\"globalBatchSequences\":64,"
                        + "\"gpus\":8},\"options\":{\"steps\":100,\"timeLimitSeconds\":5}}");
        assertThat(bothBudgets.status()).isEqualTo(400);
        assertThat(bothBudgets.json().get("detail").asText()).contains("either steps or timeLimitSeconds");
    }

    static String job(String cluster, String model, int gpus, int batch, int seconds) {
        return "{\"name\":\"pretrain\",\"cluster\":\"" + cluster + "\",\"model\":\"" + model
                + "\",\"goal\":{\"globalBatchSequences\":" + batch + ",\"gpus\":" + gpus
                + "},\"options\":{\"timeLimitSeconds\":" + seconds + "}}";
    }
}
