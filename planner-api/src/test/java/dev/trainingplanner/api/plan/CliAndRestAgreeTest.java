package dev.trainingplanner.api.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.api.planning.Plans;
import dev.trainingplanner.api.security.TokenService;
import dev.trainingplanner.api.support.PlannerIntegrationTest;
import dev.trainingplanner.api.testing.Api;
import dev.trainingplanner.api.testing.ApiTestSupport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code planner plan} and {@code POST /api/v1/plans} take the same options under the names the planner-api README's
 * table pairs, and with the same profile, input and seed they reach the same plan.
 */
@PlannerIntegrationTest
class CliAndRestAgreeTest {

    private static final Path EXAMPLE = Path.of("../examples/cluster-4x8-h100.json");

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    @Test
    void theSameInputAndSeedGiveTheSamePlan(@TempDir Path dir) throws Exception {
        String cluster = ApiTestSupport.uniqueName("agree");
        ApiTestSupport.Tokens tokens = ApiTestSupport.tokens(tokenService, cluster, "b");
        Api admin = new Api(port, tokens.admin());
        assertThat(admin.post("/api/v1/clusters", "{\"name\":\"" + cluster + "\"}")
                        .status())
                .isEqualTo(201);
        String profile = Files.readString(EXAMPLE).replace("\"cluster-a\"", "\"" + cluster + "\"");
        Api.Answer uploaded = admin.post("/api/v1/clusters/" + cluster + "/profiles", profile);
        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);

        Path out = dir.resolve("plan.json");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int exit = new PlanCommand()
                .run(
                        List.of(
                                "--cluster",
                                EXAMPLE.toString(),
                                "--model",
                                "llama3-8b",
                                "--global-batch",
                                "96",
                                "--seq-len",
                                "4096",
                                "--gpus",
                                "16",
                                "--framework",
                                "deepspeed",
                                "--seed",
                                "7",
                                "--steps",
                                "300",
                                "--headroom",
                                "0.08",
                                "--top",
                                "3",
                                "--exclude-nodes",
                                "n3",
                                "--zero-stages",
                                "1,2",
                                "--micro-batch",
                                "1..4",
                                "--precision",
                                "bf16",
                                "--layout-pool",
                                "12",
                                "--no-zero-plus-plus",
                                "--out",
                                out.toString()),
                        new PrintStream(stdout, true, StandardCharsets.UTF_8),
                        new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertThat(exit).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        JsonNode cli = new ObjectMapper().readTree(out.toFile());

        Api.Answer started = admin.post(
                "/api/v1/plans",
                "{\"cluster\":\"" + cluster + "\",\"model\":\"llama3-8b\",\"goal\":{\"globalBatchSequences\":96,"
                        + "\"sequenceLength\":4096,\"gpus\":16,\"framework\":\"deepspeed\"},\"options\":{\"seed\":7,"
                        + "\"steps\":300,\"headroomFraction\":0.08,\"topK\":3,\"excludeNodes\":[\"n3\"],"
                        + "\"zeroStages\":[1,2],\"minMicroBatch\":1,\"maxMicroBatch\":4,\"precision\":\"bf16\","
                        + "\"layoutPoolSize\":12,\"allowZeroPlusPlus\":false}}");
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        JsonNode plan = Plans.awaitFinished(admin, started.header("Location"), Duration.ofSeconds(120));
        assertThat(plan.get("status").asText()).as(plan.toString()).isEqualTo("COMPLETED");
        JsonNode rest = plan.at("/result/plan");

        assertThat(rest.at("/problem/sequenceLength").asInt()).isEqualTo(4096);
        assertThat(rest.get("layout")).isEqualTo(cli.get("layout"));
        assertThat(rest.get("placement")).isEqualTo(cli.get("placement"));
        assertThat(rest.at("/estimate/iterationTimeSeconds").asDouble())
                .isEqualTo(cli.at("/estimate/iterationTimeSeconds").asDouble());
        assertThat(rest.get("alternatives")).hasSameSizeAs(cli.get("alternatives"));
    }
}
