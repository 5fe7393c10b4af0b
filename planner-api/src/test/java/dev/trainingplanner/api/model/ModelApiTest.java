package dev.trainingplanner.api.model;

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
class ModelApiTest {

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    ApiTestSupport.Tokens tokens;
    Api scheduler;

    @BeforeEach
    void issueTokens() {
        tokens = ApiTestSupport.tokens(tokenService, "a", "b");
        scheduler = new Api(port, tokens.scheduler());
    }

    @Test
    void presetsAndCustomModels() {
        JsonNode models = scheduler.as(tokens.viewer()).get("/api/v1/models").json();
        assertThat(models.findValuesAsText("name")).contains("llama3-8b", "gpt3-175b");
        JsonNode llama = scheduler.get("/api/v1/models/llama3-8b").json();
        assertThat(llama.get("preset").asBoolean()).isTrue();
        assertThat(llama.at("/spec/layers").asInt()).isEqualTo(32);

        String name = ApiTestSupport.uniqueName("tiny");
        String body = "{\"name\":\"" + name + "\",\"layers\":4,\"hiddenSize\":256,\"attentionHeads\":4,"
                + "\"vocabularySize\":1000,\"sequenceLength\":128,\"mlp\":\"swiglu\"}";
        Api.Answer created = scheduler.post("/api/v1/models", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/v1/models/" + name);
        JsonNode custom = scheduler.get("/api/v1/models/" + name).json();
        assertThat(custom.get("preset").asBoolean()).isFalse();
        assertThat(custom.at("/spec/ffnHiddenSize").asInt()).isEqualTo(1024);
        assertThat(scheduler.get("/api/v1/models").body()).contains(name);

        assertThat(scheduler.post("/api/v1/models", body).status()).isEqualTo(409);
        assertThat(scheduler
                        .post("/api/v1/models", body.replace(name, "llama3-8b"))
                        .status())
                .isEqualTo(409);
        assertThat(scheduler.as(tokens.viewer()).post("/api/v1/models", body).status())
                .isEqualTo(403);
        assertThat(scheduler.get("/api/v1/models/unknown-model").status()).isEqualTo(404);
    }

    @Test
    void inconsistentShapesAreRejectedWithTheReason() {
        Api.Answer notDivisible = scheduler.post(
                "/api/v1/models",
                "{\"name\":\"bad-shape\",\"layers\":4,\"hiddenSize\":250,\"attentionHeads\":3,"
                        + "\"vocabularySize\":1000,\"sequenceLength\":128}");
        assertThat(notDivisible.status()).isEqualTo(400);
        assertThat(notDivisible.json().get("detail").asText()).contains("multiple of attentionHeads");

        Api.Answer absurd = scheduler.post(
                "/api/v1/models",
                "{\"name\":\"huge\",\"layers\":4000000,\"hiddenSize\":256,\"attentionHeads\":4,"
                        + "\"vocabularySize\":1000,\"sequenceLength\":128}");
        assertThat(absurd.status()).isEqualTo(400);
        assertThat(absurd.json().get("field").asText()).isEqualTo("layers");
    }
}
