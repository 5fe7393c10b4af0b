package dev.trainingplanner.api.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.api.security.TokenService;
import dev.trainingplanner.api.support.PlannerIntegrationTest;
import dev.trainingplanner.api.testing.Api;
import dev.trainingplanner.api.testing.ApiTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

@PlannerIntegrationTest
class JobApiTest {

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    ApiTestSupport.Tokens tokens;
    Api scheduler;
    String cluster;

    @BeforeEach
    void cluster() {
        cluster = ApiTestSupport.uniqueName("jobs");
        tokens = ApiTestSupport.tokens(tokenService, cluster, "b");
        scheduler = new Api(port, tokens.scheduler());
        assertThat(scheduler
                        .as(tokens.admin())
                        .post("/api/v1/clusters", "{\"name\":\"" + cluster + "\"}")
                        .status())
                .isEqualTo(201);
    }

    @Test
    void createListGetUpdateDelete() {
        Api.Answer created = scheduler.post(
                "/api/v1/jobs",
                "{\"name\":\"pretrain\",\"cluster\":\"" + cluster + "\",\"model\":\"llama3-8b\",\"active\":false,"
                        + "\"goal\":{\"globalBatchSequences\":512,\"gpus\":64,\"framework\":\"deepspeed\"},"
                        + "\"options\":{\"zeroStages\":[1,3],\"precision\":\"bf16\"}}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(created.header("Location")).isEqualTo("/api/v1/jobs/" + id);

        Api viewer = scheduler.as(tokens.viewer());
        JsonNode job = viewer.get("/api/v1/jobs/" + id).json();
        assertThat(job.at("/goal/framework").asText()).isEqualTo("deepspeed");
        assertThat(job.at("/options/zeroStages")).hasSize(2);
        assertThat(job.get("active").asBoolean()).isFalse();
        assertThat(job.get("currentPlanId").isNull()).isTrue();
        assertThat(viewer.get("/api/v1/jobs").body()).contains(id);
        assertThat(viewer.get("/api/v1/jobs/" + id + "/revisions").json()).isEmpty();

        JsonNode updated = scheduler
                .send(
                        "PATCH",
                        "/api/v1/jobs/" + id,
                        "{\"active\":true,\"webhookUrl\":\"https://hooks.example.org/planner\"}",
                        "application/json")
                .json();
        assertThat(updated.get("active").asBoolean()).isTrue();
        assertThat(updated.get("webhookUrl").asText()).isEqualTo("https://hooks.example.org/planner");

        assertThat(viewer.delete("/api/v1/jobs/" + id).status()).isEqualTo(403);
        assertThat(viewer.post("/api/v1/jobs/" + id + "/replan", "").status()).isEqualTo(403);
        assertThat(scheduler.delete("/api/v1/jobs/" + id).status()).isEqualTo(204);
        assertThat(viewer.get("/api/v1/jobs/" + id).status()).isEqualTo(404);
        assertThat(scheduler.post("/api/v1/jobs/" + id + "/replan", "").status())
                .isEqualTo(404);
    }

    @Test
    void unknownReferencesAndBadGoalsAreSpecificProblems() {
        Api.Answer unknownCluster = scheduler.post(
                "/api/v1/jobs",
                "{\"name\":\"j\",\"cluster\":\"nowhere\",\"model\":\"llama3-8b\",\"goal\":{\"globalBatchSequences\":8,\"gpus\":8}}");
        assertThat(unknownCluster.status()).isEqualTo(422);
        assertThat(unknownCluster.json().get("field").asText()).isEqualTo("cluster");

        Api.Answer badFramework = scheduler.post(
                "/api/v1/jobs",
                "{\"name\":\"j\",\"cluster\":\"" + cluster + "\",\"model\":\"llama3-8b\","
                        + "\"goal\":{\"globalBatchSequences\":8,\"gpus\":8,\"framework\":\"jax\"}}");
        assertThat(badFramework.status()).isEqualTo(400);
        assertThat(badFramework.json().get("field").asText()).isEqualTo("goal.framework");

        Api.Answer badHook = scheduler.post(
                "/api/v1/jobs",
                "{\"name\":\"j\",\"cluster\":\"" + cluster + "\",\"model\":\"llama3-8b\","
                        + "\"goal\":{\"globalBatchSequences\":8,\"gpus\":8},\"webhookUrl\":\"file:///etc/passwd\"}");
        assertThat(badHook.status()).isEqualTo(400);
        assertThat(badHook.json().get("field").asText()).isEqualTo("webhookUrl");
    }
}
