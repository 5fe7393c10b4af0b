package dev.trainingplanner.api.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.api.security.TokenService;
import dev.trainingplanner.api.support.PlannerIntegrationTest;
import dev.trainingplanner.api.testing.Api;
import dev.trainingplanner.api.testing.ApiTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

@PlannerIntegrationTest
class ClusterApiTest {

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    ApiTestSupport.Tokens tokens;
    Api admin;

    @BeforeEach
    void issueTokens() {
        tokens = ApiTestSupport.tokens(tokenService, "a", "b");
        admin = new Api(port, tokens.admin());
    }

    @Test
    void registerListGetDelete() {
        String name = ApiTestSupport.uniqueName("cluster");
        Api.Answer created = admin.post("/api/v1/clusters", "{\"name\":\"" + name + "\",\"description\":\"rack 7\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/v1/clusters/" + name);

        Api viewer = admin.as(tokens.viewer());
        assertThat(viewer.get("/api/v1/clusters/" + name)
                        .json()
                        .get("description")
                        .asText())
                .isEqualTo("rack 7");
        assertThat(viewer.get("/api/v1/clusters").body()).contains(name);

        assertThat(viewer.delete("/api/v1/clusters/" + name).status()).isEqualTo(403);
        assertThat(admin.as(tokens.scheduler())
                        .delete("/api/v1/clusters/" + name)
                        .status())
                .isEqualTo(403);
        assertThat(admin.delete("/api/v1/clusters/" + name).status()).isEqualTo(204);
        assertThat(viewer.get("/api/v1/clusters/" + name).status()).isEqualTo(404);
        assertThat(admin.delete("/api/v1/clusters/" + name).status()).isEqualTo(404);
    }

    @Test
    void badRegistrationsAreSpecificProblems() {
        String name = ApiTestSupport.uniqueName("dup");
        assertThat(admin.post("/api/v1/clusters", "{\"name\":\"" + name + "\"}").status())
                .isEqualTo(201);
        Api.Answer duplicate = admin.post("/api/v1/clusters", "{\"name\":\"" + name + "\"}");
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.json().get("field").asText()).isEqualTo("name");

        Api.Answer badName = admin.post("/api/v1/clusters", "{\"name\":\"has space\"}");
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.json().get("field").asText()).isEqualTo("name");

        Api.Answer unknownField = admin.post("/api/v1/clusters", "{\"name\":\"x1\",\"gpus\":8}");
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.json().get("field").asText()).isEqualTo("gpus");
        assertThat(unknownField.json().get("detail").asText()).contains("Unknown field 'gpus'");

        Api.Answer malformed = admin.post("/api/v1/clusters", "{\"name\":");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("detail").asText()).startsWith("Malformed JSON");

        assertThat(admin.send("PUT", "/api/v1/clusters", "{}", "application/json")
                        .status())
                .isEqualTo(405);
        assertThat(admin.send("POST", "/api/v1/clusters", "name=x", "text/plain")
                        .status())
                .isEqualTo(415);
        assertThat(admin.post("/api/v1/clusters", "").status()).isEqualTo(400);
    }
}
