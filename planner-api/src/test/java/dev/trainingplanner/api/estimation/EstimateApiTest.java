package dev.trainingplanner.api.estimation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainingplanner.api.job.PlanningGoal;
import dev.trainingplanner.api.job.PlanningOptions;
import dev.trainingplanner.api.planning.EngineRequests;
import dev.trainingplanner.api.planning.LaunchPlan;
import dev.trainingplanner.api.planning.PlanSpec;
import dev.trainingplanner.api.profile.ProfileStore;
import dev.trainingplanner.api.security.TokenService;
import dev.trainingplanner.api.support.PlannerIntegrationTest;
import dev.trainingplanner.api.testing.Api;
import dev.trainingplanner.api.testing.ApiTestSupport;
import dev.trainingplanner.api.testing.PlanResults;
import dev.trainingplanner.costmodel.layout.GradientCoding;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.engine.output.PlanDocument;
import dev.trainingplanner.engine.output.PlanDocuments;
import dev.trainingplanner.engine.plan.PlanResult;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

@PlannerIntegrationTest
class EstimateApiTest {

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    @Autowired
    ProfileStore profiles;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ObjectMapper json;

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

    /**
     * A stored plan that splits its stages unevenly, codes its gradients and uses Ladder Residual layers, re-scored on
     * the profile it was planned on, predicts exactly what was stored, so it is not flagged slower. The row also holds
     * the launch record earlier versions stored beside the document, which lacks those knobs.
     */
    @Test
    void reScoringAStoredPlanOnAnUnchangedProfileGivesTheStoredPrediction() throws Exception {
        ProfiledCluster profiled =
                EngineRequests.cluster(profiles.effective(cluster).profile());
        Layout layout = Layout.builder()
                .tp(2)
                .pp(2)
                .dp(4)
                .sequenceParallel(true)
                .zeroStage(1)
                .stageLayerCounts(List.of(11, 13))
                .gradientCoding(GradientCoding.fractionalRepetition(1))
                .ladderLayers(List.of(4, 5, 6))
                .build();
        Placement placement = Placement.packed(profiled.cluster(), 16).withNodesSwapped(0, 1);
        PlanResult result = PlanResults.of(
                profiled,
                ModelPresets.byName("gpt3-1.3b"),
                Framework.MEGATRON,
                Precision.BF16,
                32,
                1,
                layout,
                placement);
        PlanDocument document = PlanDocuments.from(result);
        double planned = result.best().estimate().iterationTimeSeconds();
        Layout launchRecordOnly = Layout.builder()
                .tp(2)
                .pp(2)
                .dp(4)
                .sequenceParallel(true)
                .zeroStage(1)
                .build();
        assertThat(PlanResults.of(
                                profiled,
                                ModelPresets.byName("gpt3-1.3b"),
                                Framework.MEGATRON,
                                Precision.BF16,
                                32,
                                1,
                                launchRecordOnly,
                                placement)
                        .best()
                        .estimate()
                        .iterationTimeSeconds())
                .as("the plan the launch record alone describes")
                .isNotEqualTo(planned);
        ObjectNode stored = json.createObjectNode();
        stored.set("plan", json.readTree(PlanDocuments.toJson(document)));
        stored.set("launch", json.valueToTree(LaunchPlan.of(document)));
        stored.put("predictedIterationSeconds", planned);
        UUID planId = UUID.randomUUID();
        jdbc.update(
                """
                insert into plan_run (id, cluster_name, request, status, progress, attempts, result, cancel_requested,
                                      created_at, finished_at)
                values (?, ?, ?, 'COMPLETED', 1, 1, ?, false, now(), now())""",
                planId,
                cluster,
                json.writeValueAsString(new PlanSpec(
                        cluster,
                        "gpt3-1.3b",
                        new PlanningGoal(32, null, 16, "megatron", null, null, null),
                        PlanningOptions.none(),
                        "request")),
                json.writeValueAsString(stored));

        Api.Answer rescored = scheduler.post("/api/v1/estimates", "{\"planId\":\"" + planId + "\"}");

        assertThat(rescored.status()).as(rescored.toString()).isEqualTo(200);
        assertThat(rescored.json().get("predictedWhenPlannedSeconds").asDouble())
                .isEqualTo(planned);
        assertThat(rescored.json().get("iterationTimeSeconds").asDouble()).isEqualTo(planned);
        assertThat(rescored.json().get("changeRatio").asDouble()).isEqualTo(1.0);
        assertThat(viewer.get("/api/v1/plans/" + planId).json().at("/result/launch/stageLayerCounts"))
                .hasToString("[11,13]");
    }
}
