package dev.trainingplanner.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.api.support.PlannerIntegrationTest;
import dev.trainingplanner.api.testing.Api;
import dev.trainingplanner.api.testing.ApiTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

@PlannerIntegrationTest
class TokenAndRoleApiTest {

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    @Autowired
    JdbcTemplate jdbc;

    ApiTestSupport.Tokens tokens;
    Api admin;

    @BeforeEach
    void issueTokens() {
        tokens = ApiTestSupport.tokens(tokenService, "a", "b");
        admin = new Api(port, tokens.admin());
    }

    @Test
    void everyApiEndpointNeedsAToken() {
        Api anonymous = new Api(port, null);
        for (String path : new String[] {
            "/api/v1/clusters", "/api/v1/models", "/api/v1/jobs", "/api/v1/plans", "/api/v1/tokens", "/api/v1/nothing"
        }) {
            Api.Answer answer = anonymous.get(path);
            assertThat(answer.status()).as(path).isEqualTo(401);
            assertThat(answer.header("Content-Type")).contains("application/problem+json");
            assertThat(answer.json().get("detail").asText()).contains("bearer token");
        }
        assertThat(new Api(port, "tp_not-a-real-token").get("/api/v1/clusters").status())
                .isEqualTo(401);
    }

    @Test
    void publicPagesNeedNoToken() {
        Api anonymous = new Api(port, null);
        assertThat(anonymous.get("/actuator/health").status()).isEqualTo(200);
        assertThat(anonymous.get("/v3/api-docs").status()).isEqualTo(200);
        assertThat(anonymous.get("/").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/prometheus").status()).isEqualTo(200);
    }

    @Test
    void onlyAdminsManageTokens() {
        for (String token : new String[] {tokens.scheduler(), tokens.viewer(), tokens.agentOfA()}) {
            assertThat(admin.as(token).get("/api/v1/tokens").status()).isEqualTo(403);
            assertThat(admin.as(token)
                            .post("/api/v1/tokens", "{\"name\":\"x\",\"role\":\"admin\"}")
                            .status())
                    .isEqualTo(403);
        }
        assertThat(admin.get("/api/v1/tokens").status()).isEqualTo(200);
    }

    @Test
    void issuedTokensWorkUntilRevokedAndAreStoredHashed() {
        Api.Answer issued = admin.post("/api/v1/tokens", "{\"name\":\"ci viewer\",\"role\":\"viewer\"}");
        assertThat(issued.status()).isEqualTo(201);
        String secret = issued.json().get("token").asText();
        long id = issued.json().get("id").asLong();

        assertThat(admin.as(secret).get("/api/v1/clusters").status()).isEqualTo(200);
        assertThat(admin.as(secret).post("/api/v1/clusters", "{\"name\":\"x\"}").status())
                .isEqualTo(403);
        assertThat(jdbc.queryForObject("select count(*) from api_token where token_hash = ?", Long.class, secret))
                .isZero();
        assertThat(jdbc.queryForObject("select token_hash from api_token where id = ?", String.class, id))
                .isEqualTo(TokenService.hash(secret));

        assertThat(admin.delete("/api/v1/tokens/" + id).json().get("revokedAt").isNull())
                .isFalse();
        assertThat(admin.as(secret).get("/api/v1/clusters").status()).isEqualTo(401);
    }

    @Test
    void tokenRequestsAreChecked() {
        Api.Answer badRole = admin.post("/api/v1/tokens", "{\"name\":\"x\",\"role\":\"root\"}");
        assertThat(badRole.status()).isEqualTo(400);
        assertThat(badRole.json().get("field").asText()).isEqualTo("role");

        Api.Answer agentWithoutCluster = admin.post("/api/v1/tokens", "{\"name\":\"x\",\"role\":\"agent\"}");
        assertThat(agentWithoutCluster.status()).isEqualTo(400);
        assertThat(agentWithoutCluster.json().get("field").asText()).isEqualTo("cluster");

        assertThat(admin.delete("/api/v1/tokens/999999999").status()).isEqualTo(404);
        assertThat(admin.delete("/api/v1/tokens/abc").json().get("field").asText())
                .isEqualTo("id");
    }

    @Test
    void anAdminTokenExistsAfterTheFirstStart() {
        assertThat(jdbc.queryForObject(
                        "select count(*) from api_token where role = 'admin' and name = 'initial admin'", Long.class))
                .isEqualTo(1L);
    }
}
