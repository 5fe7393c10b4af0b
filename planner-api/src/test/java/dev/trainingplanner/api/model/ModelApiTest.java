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

    @Test
    void mixtureOfExpertsAndLatentAttentionKeysAreAcceptedAndCheckedForConsistency() {
        String name = ApiTestSupport.uniqueName("tiny-moe");
        String body = "{\"name\":\"" + name + "\",\"layers\":4,\"hiddenSize\":256,\"attentionHeads\":4,"
                + "\"vocabularySize\":1000,\"sequenceLength\":128,\"mlp\":\"swiglu\",\"head_dim\":32,"
                + "\"num_experts\":8,\"top_k\":2,\"moe_ffn_hidden\":128,\"shared_experts\":1,\"moe_dense_layers\":1,"
                + "\"q_lora_rank\":64,\"kv_lora_rank\":32,\"qk_rope_head_dim\":16,\"v_head_dim\":32}";

        Api.Answer created = scheduler.post("/api/v1/models", body);

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode spec = scheduler.get("/api/v1/models/" + name).json().get("spec");
        assertThat(spec.at("/mixtureOfExperts/routedExperts").asInt()).isEqualTo(8);
        assertThat(spec.at("/mixtureOfExperts/leadingDenseLayers").asInt()).isEqualTo(1);
        assertThat(spec.at("/latentAttention/kvLoraRank").asInt()).isEqualTo(32);
        assertThat(spec.get("headDim").asInt()).isEqualTo(32);

        Api.Answer tooManyChosen = scheduler.post(
                "/api/v1/models",
                body.replace(name, ApiTestSupport.uniqueName("bad-moe")).replace("\"top_k\":2", "\"top_k\":9"));
        assertThat(tooManyChosen.status()).isEqualTo(400);
        assertThat(tooManyChosen.header("Content-Type")).startsWith("application/problem+json");
        assertThat(tooManyChosen.json().get("detail").asText())
                .contains("top_k must be between 1 and num_experts = 8, got 9");

        Api.Answer negative = scheduler.post(
                "/api/v1/models", body.replace(name, "neg-moe").replace("\"num_experts\":8", "\"num_experts\":-8"));
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.json().get("detail").asText()).contains("'num_experts' must be at least 0");
    }
}
