package dev.trainingplanner.api.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.api.planning.Plans;
import dev.trainingplanner.api.security.TokenService;
import dev.trainingplanner.api.support.PlannerIntegrationTest;
import dev.trainingplanner.api.testing.Api;
import dev.trainingplanner.api.testing.ApiTestSupport;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Plans for real, then parses every launch artifact back and checks it against the plan's rank placement. */
@PlannerIntegrationTest
class ArtifactApiTest {

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    Api scheduler;
    Api viewer;
    String cluster;

    @BeforeEach
    void clusterWithAProfile() {
        cluster = ApiTestSupport.uniqueName("art");
        ApiTestSupport.Tokens tokens = ApiTestSupport.tokens(tokenService, cluster, "b");
        Api admin = new Api(port, tokens.admin());
        scheduler = admin.as(tokens.scheduler());
        viewer = admin.as(tokens.viewer());
        ApiTestSupport.registerProfiledCluster(admin, tokens, cluster, 4, 8);
    }

    @Test
    void megatronArtifactsAgreeWithThePlan() {
        JsonNode plan = plan(
                "{\"globalBatchSequences\":128,\"gpus\":32,\"framework\":\"megatron\"}", "{\"timeLimitSeconds\":3}");
        JsonNode launch = plan.at("/result/launch");
        String base = "/api/v1/plans/" + plan.get("id").asText() + "/artifacts/";

        Map<String, String> args =
                megatronArguments(viewer.get(base + "megatron-args").body());
        int tp = Integer.parseInt(args.get("--tensor-model-parallel-size"));
        int pp = Integer.parseInt(args.get("--pipeline-model-parallel-size"));
        int cp = Integer.parseInt(args.get("--context-parallel-size"));
        assertThat(tp).isEqualTo(launch.get("tensorParallel").asInt());
        assertThat(pp).isEqualTo(launch.get("pipelineParallel").asInt());
        assertThat(tp * pp * cp * launch.get("dataParallel").asInt()).isEqualTo(32);
        assertThat(args.get("--micro-batch-size"))
                .isEqualTo(launch.get("microBatchSequences").asText());
        assertThat(args.get("--global-batch-size")).isEqualTo("128");
        assertThat(args.get("--num-layers")).isEqualTo("24");

        checkRankOrder(launch, base);
    }

    @Test
    void deepSpeedConfigCarriesZeroPlusPlusKeys() {
        JsonNode plan = plan(
                "{\"globalBatchSequences\":256,\"gpus\":32,\"framework\":\"deepspeed\"}",
                "{\"timeLimitSeconds\":3,\"zeroStages\":[3],\"allowZeroPlusPlus\":true}");
        JsonNode launch = plan.at("/result/launch");
        String base = "/api/v1/plans/" + plan.get("id").asText() + "/artifacts/";

        Api.Answer answer = viewer.get(base + "deepspeed-config");
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        JsonNode config = answer.json();
        assertThat(config.get("train_batch_size").asInt()).isEqualTo(256);
        assertThat(config.get("train_micro_batch_size_per_gpu").asInt()
                        * config.get("gradient_accumulation_steps").asInt()
                        * launch.get("dataParallel").asInt())
                .isEqualTo(256);
        JsonNode zero = config.get("zero_optimization");
        assertThat(zero.get("stage").asInt()).isEqualTo(3);
        assertThat(zero.get("zero_hpz_partition_size").asInt())
                .isEqualTo(launch.get("hpzPartitionSize").asInt());
        assertThat(zero.get("zero_quantized_weights").asBoolean())
                .isEqualTo(launch.get("quantizedWeights").asBoolean());
        assertThat(zero.get("zero_quantized_gradients").asBoolean())
                .isEqualTo(launch.get("quantizedGradients").asBoolean());
        assertThat(zero.get("reduce_scatter").asBoolean()).isTrue();

        checkRankOrder(launch, base);
        assertThat(viewer.get(base + "slurm").status()).isEqualTo(400);

        String metrics = new Api(port, null).get("/actuator/prometheus").body();
        assertThat(metrics)
                .contains("planner_solve_duration_seconds_count{outcome=\"completed\"")
                .contains("planner_solves_queued")
                .contains("planner_solves_running")
                .contains("planner_plan_predicted_iteration_seconds_count");
    }

    /** The hostfile and the rank map, read back, give every rank the node and GPU the plan chose. */
    private void checkRankOrder(JsonNode launch, String base) {
        List<String> hostfile = viewer.get(base + "hostfile").body().lines().toList();
        JsonNode rankMap = viewer.get(base + "rank-map").json();
        int g = rankMap.get("nprocPerNode").asInt();
        assertThat(rankMap.get("nnodes").asInt() * g)
                .isEqualTo(launch.get("ranks").size());
        Map<Integer, String> placed = new HashMap<>();
        for (JsonNode node : rankMap.get("nodes")) {
            int nodeRank = node.get("nodeRank").asInt();
            assertThat(hostfile.get(nodeRank)).isEqualTo(node.get("node").asText() + " slots=" + g);
            String[] devices = node.get("CUDA_VISIBLE_DEVICES").asText().split(",");
            assertThat(devices).hasSize(g);
            assertThat(node.get("command").asText()).contains("--node-rank=" + nodeRank);
            for (int local = 0; local < g; local++) {
                placed.put(nodeRank * g + local, node.get("node").asText() + "/" + devices[local]);
            }
        }
        for (JsonNode rank : launch.get("ranks")) {
            assertThat(placed.get(rank.get("rank").asInt()))
                    .isEqualTo(rank.get("node").asText() + "/" + rank.get("gpu").asInt());
        }
    }

    private JsonNode plan(String goal, String options) {
        Api.Answer started = scheduler.post(
                "/api/v1/plans",
                "{\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\",\"goal\":" + goal + ",\"options\":" + options
                        + "}");
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        JsonNode plan = Plans.awaitFinished(scheduler, started.header("Location"), Duration.ofSeconds(120));
        assertThat(plan.get("status").asText()).as(plan.toString()).isEqualTo("COMPLETED");
        return plan;
    }

    private static Map<String, String> megatronArguments(String text) {
        Map<String, String> args = new HashMap<>();
        for (String line : text.split("\\\\?\n")) {
            String[] parts = line.trim().split("\\s+", 2);
            if (parts[0].startsWith("--")) {
                args.put(parts[0], parts.length > 1 ? parts[1] : "");
            }
        }
        return args;
    }
}
