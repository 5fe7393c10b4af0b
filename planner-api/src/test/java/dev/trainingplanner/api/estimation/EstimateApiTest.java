package dev.trainingplanner.api.estimation;

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
class EstimateApiTest {

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    Api scheduler;
    Api viewer;
    String cluster;

    @BeforeEach
    void clusterWithAProfile() {
        cluster = ApiTestSupport.uniqueName("est");
        ApiTestSupport.Tokens tokens = ApiTestSupport.tokens(tokenService, cluster, "b");
        Api admin = new Api(port, tokens.admin());
        scheduler = admin.as(tokens.scheduler());
        viewer = admin.as(tokens.viewer());
        ApiTestSupport.registerProfiledCluster(admin, tokens, cluster, 2, 8);
    }

    private String request(String placement) {
        return "{\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\",\"globalBatchSequences\":32,"
                + "\"microBatchSequences\":1,\"layout\":{\"tensorParallel\":8,\"pipelineParallel\":1,\"dataParallel\":2,"
                + "\"zeroStage\":1}" + placement + "}";
    }

    @Test
    void scoresALayoutPackedOrOnAGivenPlacement() {
        Api.Answer packed = scheduler.post("/api/v1/estimates", request(""));
        assertThat(packed.status()).as(packed.toString()).isEqualTo(200);
        JsonNode estimate = packed.json();
        assertThat(estimate.get("iterationTimeSeconds").asDouble()).isPositive();
        assertThat(estimate.at("/breakdown/computeSeconds").asDouble()).isPositive();
        assertThat(estimate.get("fits").asBoolean()).isTrue();

        StringBuilder ranks = new StringBuilder(",\"placement\":[");
        for (int r = 0; r < 16; r++) {
            ranks.append(r == 0 ? "" : ",")
                    .append("{\"rank\":")
                    .append(r)
                    .append(",\"node\":\"node-")
                    .append(r / 8)
                    .append("\",\"gpu\":")
                    .append(r % 8)
                    .append("}");
        }
        JsonNode explicit =
                scheduler.post("/api/v1/estimates", request(ranks + "]")).json();
        assertThat(explicit.get("iterationTimeSeconds").asDouble())
                .isEqualTo(estimate.get("iterationTimeSeconds").asDouble());
    }

    @Test
    void badWhatIfsAreSpecificProblems() {
        Api.Answer ghost = scheduler.post(
                "/api/v1/estimates",
                request(",\"placement\":[" + "{\"rank\":0,\"node\":\"ghost\",\"gpu\":0},".repeat(15)
                        + "{\"rank\":15,\"node\":\"ghost\",\"gpu\":0}]"));
        assertThat(ghost.status()).isIn(400, 422);
        assertThat(ghost.json().get("field").asText()).startsWith("placement");

        Api.Answer tooBig =
                scheduler.post("/api/v1/estimates", request("").replace("\"dataParallel\":2", "\"dataParallel\":64"));
        assertThat(tooBig.status()).isEqualTo(422);
        assertThat(tooBig.json().get("field").asText()).isEqualTo("layout");

        Api.Answer noLayout = scheduler.post(
                "/api/v1/estimates",
                "{\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\",\"globalBatchSequences\":8}");
        assertThat(noLayout.status()).isEqualTo(400);
        assertThat(noLayout.json().get("field").asText()).isEqualTo("layout");

        assertThat(viewer.post("/api/v1/estimates", request("")).status()).isEqualTo(403);
    }
}
