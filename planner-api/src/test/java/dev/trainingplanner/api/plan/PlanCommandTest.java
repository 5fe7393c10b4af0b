package dev.trainingplanner.api.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.engine.bench.SyntheticClusters;
import dev.trainingplanner.profile.ProfileJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(List<String> args) {
        return new PlanCommand()
                .run(
                        args,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path cluster(SyntheticClusters.Spec spec) throws Exception {
        Path file = dir.resolve(spec.name() + ".json");
        Files.writeString(file, ProfileJson.write(SyntheticClusters.generate(spec)));
        return file;
    }

    private List<String> args(Path cluster, String model, int batch, int seq, int gpus, Path plan, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--cluster", cluster.toString(),
                "--model", model,
                "--global-batch", String.valueOf(batch),
                "--seq-len", String.valueOf(seq),
                "--gpus", String.valueOf(gpus),
                "--steps", "200",
                "--out", plan.toString()));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void writesPlanWithEveryRankPlacedAndASummary() throws Exception {
        Path cluster = cluster(SyntheticClusters.Spec.degraded("small", 5, 8, 1, 7));
        Path plan = dir.resolve("plan.json");

        int exit = run(args(cluster, "llama2-7b", 128, 4096, 32, plan, "--top", "3"));

        assertThat(exit).as(err.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(plan.toFile());
        assertThat(json.get("status").asText()).isEqualTo("FEASIBLE");
        JsonNode layout = json.get("layout");
        assertThat(layout.get("tp").asInt()
                        * layout.get("pp").asInt()
                        * layout.get("dp").asInt()
                        * layout.get("cp").asInt())
                .isEqualTo(32);
        JsonNode placement = json.get("placement");
        assertThat(placement).hasSize(32);
        for (String key : List.of("rank", "node", "gpu", "tp", "cp", "dp", "pp")) {
            assertThat(placement.get(31).has(key)).as(key).isTrue();
        }
        assertThat(json.at("/estimate/iterationTimeSeconds").asDouble()).isPositive();
        assertThat(json.at("/estimate/tokensPerSecondPerGpu").asDouble()).isPositive();
        assertThat(json.at("/estimate/breakdown/computeSeconds").asDouble()).isPositive();
        assertThat(json.at("/estimate/rankMemory")).hasSize(32);
        assertThat(json.get("alternatives").size()).isBetween(1, 2);
        assertThat(json.at("/explanation/dominantTerms").size()).isPositive();
        assertThat(json.at("/launch/nodeOrder")).hasSize(4);
        assertThat(json.at("/problem/precision").asText()).isEqualTo("bf16");
        assertThat(json.at("/launch/frameworkArguments/--bf16").asBoolean())
                .as("Megatron's arguments say the precision")
                .isTrue();
        assertThat(out.toString())
                .contains("layout", "iteration", "Plan written to")
                .contains("launch      torchrun on 4 nodes x 8 GPUs (master "
                        + json.at("/launch/nodeOrder/0").asText() + "); megatron settings");
    }

    @Test
    void costPerTokenChoosesTheGpuCountAndListsTheCountsCompared() throws Exception {
        Path cluster = cluster(SyntheticClusters.Spec.healthy("free", 4, 8));
        Path plan = dir.resolve("plan.json");

        int exit = run(List.of(
                "--cluster", cluster.toString(),
                "--model", "llama2-7b",
                "--global-batch", "128",
                "--seq-len", "4096",
                "--objective", "cost-per-token",
                "--gpu-hour-price", "2.5",
                "--steps", "200",
                "--out", plan.toString()));

        assertThat(exit).as(err.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(plan.toFile());
        JsonNode search = json.get("gpuCountSearch");
        assertThat(search.get("objective").asText()).isEqualTo("cost-per-token");
        assertThat(search.get("maxGpus").asInt()).isEqualTo(32);
        int chosen = search.get("chosenGpus").asInt();
        assertThat(json.at("/placement")).hasSize(chosen);
        double chosenCost = 0;
        for (JsonNode count : search.get("candidates")) {
            if (count.get("gpus").asInt() == chosen) {
                chosenCost = count.get("gpuHoursPerMillionTokens").asDouble();
                assertThat(count.get("costPerMillionTokens").asDouble()).isCloseTo(2.5 * chosenCost, within(1e-9));
            }
        }
        for (JsonNode count : search.get("candidates")) {
            if (count.get("searched").asBoolean()) {
                assertThat(count.get("gpuHoursPerMillionTokens").asDouble()).isGreaterThanOrEqualTo(chosenCost);
            }
        }
        assertThat(out.toString()).contains("GPU count for the lowest cost per token", "GPU-h/Mtok");
    }

    @Test
    void costPerTokenOptionsNeedThatObjective() throws Exception {
        Path cluster = cluster(SyntheticClusters.Spec.healthy("free", 2, 8));
        Path plan = dir.resolve("plan.json");

        int exit = run(args(cluster, "llama2-7b", 64, 4096, 16, plan, "--max-iteration-seconds", "2"));

        assertThat(exit).isEqualTo(PlanCommand.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("--max-iteration-seconds needs --objective cost-per-token");
        assertThat(run(args(cluster, "llama2-7b", 64, 4096, 16, plan, "--objective", "cheapest")))
                .isEqualTo(PlanCommand.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("--objective must be iteration-time or cost-per-token");
    }

    @Test
    void infeasibleProblemExitsOneWithTheMemoryExplanation() throws Exception {
        Path cluster = cluster(SyntheticClusters.Spec.healthy("tiny", 1, 8));
        Path plan = dir.resolve("plan.json");

        int exit = run(args(cluster, "llama3.1-405b", 16, 8192, 8, plan));

        assertThat(exit).isEqualTo(PlanCommand.EXIT_INFEASIBLE);
        JsonNode json = new ObjectMapper().readTree(plan.toFile());
        assertThat(json.get("status").asText()).isEqualTo("INFEASIBLE");
        assertThat(json.at("/explanation/infeasibility/0").asText())
                .contains("smallest per-GPU memory any layout needs")
                .contains("GiB");
    }

    @Test
    void badProfileIsRejectedWithTheKeyAndPlace() throws Exception {
        Path cluster = dir.resolve("bad.json");
        Files.writeString(
                cluster,
                """
                {"name": "c", "nodes": [{"name": "n0", "gpus": [{"index": 0, "type": "H100-80GB", "colour": "red"}]}]}
                """);

        int exit = run(args(cluster, "llama2-7b", 8, 4096, 1, dir.resolve("plan.json")));

        assertThat(exit).isEqualTo(PlanCommand.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("unknown key 'colour' at nodes[0].gpus[0]");
    }

    @Test
    void badArgumentsNameTheFlag() throws Exception {
        Path cluster = cluster(SyntheticClusters.Spec.healthy("h", 1, 8));

        int exit = run(args(cluster, "llama2-7b", 8, 4096, 8, dir.resolve("p.json"), "--framework", "jax"));

        assertThat(exit).isEqualTo(PlanCommand.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("--framework: unknown framework 'jax'");
    }
}
