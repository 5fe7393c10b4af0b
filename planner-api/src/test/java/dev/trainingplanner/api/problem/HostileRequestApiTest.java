package dev.trainingplanner.api.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.api.security.TokenService;
import dev.trainingplanner.api.support.PlannerIntegrationTest;
import dev.trainingplanner.api.testing.Api;
import dev.trainingplanner.api.testing.ApiTestSupport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Requests that used to end in a 500 with Spring's error body, or that were accepted though absurd or hostile, are
 * specific RFC 7807 problems naming what is wrong.
 */
@PlannerIntegrationTest
class HostileRequestApiTest {

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    @Autowired
    JdbcTemplate jdbc;

    ApiTestSupport.Tokens tokens;
    Api admin;
    String cluster;

    @BeforeEach
    void registerCluster() {
        cluster = ApiTestSupport.uniqueName("req");
        tokens = ApiTestSupport.tokens(tokenService, cluster, "other");
        admin = new Api(port, tokens.admin());
        ApiTestSupport.registerProfiledCluster(admin, tokens, cluster, 1, 8);
    }

    private String planBody(String options) {
        return "{\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\",\"goal\":{\"globalBatchSequences\":8,"
                + "\"gpus\":8},\"options\":" + options + "}";
    }

    @Test
    void nulCharactersInStoredTextAre400NamingTheField() {
        Api.Answer description = admin.post("/api/v1/clusters", "{\"name\":\"c-nul\",\"description\":\"a\\u0000b\"}");
        Api.Answer token = admin.post("/api/v1/tokens", "{\"name\":\"t\\u0000\",\"role\":\"viewer\"}");
        Api.Answer job = admin.post(
                "/api/v1/jobs",
                "{\"name\":\"j\\u0000\",\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\",\"active\":false,"
                        + "\"goal\":{\"globalBatchSequences\":8,\"gpus\":8}}");

        assertThat(description.status()).isEqualTo(400);
        assertThat(description.json().get("field").asText()).isEqualTo("description");
        assertThat(token.status()).isEqualTo(400);
        assertThat(token.json().get("field").asText()).isEqualTo("name");
        assertThat(job.status()).isEqualTo(400);
        assertThat(job.json().get("field").asText()).isEqualTo("name");
    }

    @Test
    void aNullListElementIs400NamingItsPlaceAndStartsNoSolve() {
        long plans = jdbc.queryForObject("select count(*) from plan_run", Long.class);

        Api.Answer answer = admin.post("/api/v1/plans", planBody("{\"zeroStages\":[null]}"));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("field").asText()).isEqualTo("options.zeroStages[0]");
        assertThat(jdbc.queryForObject("select count(*) from plan_run", Long.class))
                .isEqualTo(plans);
    }

    @Test
    void anExpertParallelDegreeOutOfRangeIs400NamingItAndStartsNoSolve() {
        long plans = jdbc.queryForObject("select count(*) from plan_run", Long.class);

        Api.Answer answer = admin.post("/api/v1/plans", planBody("{\"expertParallelSizes\":[0]}"));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("field").asText()).startsWith("options.expertParallelSizes");
        assertThat(jdbc.queryForObject("select count(*) from plan_run", Long.class))
                .isEqualTo(plans);
    }

    @Test
    void aWildcardContentTypeIs415() {
        Api.Answer answer = admin.send("POST", "/api/v1/clusters", "{\"name\":\"c-wild\"}", "application/*");

        assertThat(answer.status()).isEqualTo(415);
        assertThat(answer.json().get("field").asText()).isEqualTo("Content-Type");
        assertThat(admin.get("/api/v1/clusters/c-wild").status()).isEqualTo(404);
    }

    @Test
    void duplicateKeysInARequestAreRejected() {
        Api.Answer answer =
                admin.post("/api/v1/clusters", "{\"name\":\"c-dup\",\"name\":\"c-dup2\",\"description\":\"d\"}");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("detail").asText()).contains("Duplicate field 'name'");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/api/v1//clusters",
                "/api/v1/clusters;x=1",
                "/api/v1/clusters/../tokens",
                "/api/v1/clusters/a%2fb",
                "/api/v1/clusters/a%00b",
                "/api/v1/clusters/%2e%2e/tokens"
            })
    void urlsTheFirewallRefusesGetAProblem(String path) throws IOException {
        String answer = raw("GET " + path + " HTTP/1.1");

        assertThat(answer).startsWith("HTTP/1.1 400");
        assertThat(answer).containsIgnoringCase("content-type: application/problem+json");
        assertThat(answer).contains("\"status\":400").doesNotContain("Exception", "<html");
    }

    @Test
    void theErrorPathCalledDirectlyIsNotA500() {
        Api.Answer answer = admin.get("/error");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.json().get("status").asInt()).isEqualTo(404);
    }

    @Test
    void anAgentTokenNeedsAnExistingCluster() {
        Api.Answer answer =
                admin.post("/api/v1/tokens", "{\"name\":\"a\",\"role\":\"agent\",\"cluster\":\"no-such-cluster\"}");

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.json().get("field").asText()).isEqualTo("cluster");
        assertThat(admin.post("/api/v1/tokens", "{\"name\":\"a\",\"role\":\"agent\",\"cluster\":\"" + cluster + "\"}")
                        .status())
                .isEqualTo(201);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://169.254.169.254/latest/meta-data/",
                "http://127.0.0.1:5432/",
                "http://localhost:8080/api/v1/tokens",
                "http://10.0.0.5/hook",
                "http://[::1]/hook",
                "http://[::ffff:169.254.169.254]/hook",
                "http://user:pw@hooks.example.org/hook",
                "gopher://hooks.example.org/"
            })
    void webhooksMayNotTargetInternalAddresses(String url) {
        Api.Answer answer = admin.post(
                "/api/v1/jobs",
                "{\"name\":\"w\",\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\",\"active\":false,"
                        + "\"goal\":{\"globalBatchSequences\":8,\"gpus\":8},\"webhookUrl\":\"" + url + "\"}");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("field").asText()).isEqualTo("webhookUrl");
    }

    @Test
    void anAbsurdlyLargeCustomModelIsRejected() {
        Api.Answer answer = admin.post(
                "/api/v1/models",
                "{\"name\":\"exa-model\",\"layers\":1000,\"hiddenSize\":131072,\"attentionHeads\":1024,"
                        + "\"vocabularySize\":1000000,\"sequenceLength\":4194304}");
        Api.Answer tooWide = admin.post(
                "/api/v1/models",
                "{\"name\":\"exa-model\",\"layers\":10000,\"hiddenSize\":1000000,\"attentionHeads\":10000,"
                        + "\"vocabularySize\":10000000,\"sequenceLength\":10000000}");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("detail").asText()).contains("parameters");
        assertThat(tooWide.status()).isEqualTo(400);
        assertThat(admin.get("/api/v1/models/exa-model").status()).isEqualTo(404);
    }

    /** Sends a request line as written: an HTTP client would normalise or refuse these URLs itself. */
    private String raw(String requestLine) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write((requestLine + "\r\nHost: localhost\r\nAuthorization: Bearer " + tokens.admin()
                            + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
