package dev.trainingplanner.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packaged {@code planner.jar} the way a batch job would, in an empty working folder, and checks that the
 * offline subcommands do their work without starting the web server or a database and without writing a data folder.
 */
class OfflineCommandsIT {

    private static final Path JAR = Path.of("target", "planner.jar").toAbsolutePath();

    @TempDir
    Path workDir;

    @TempDir
    Path logDir;

    Path tmpDir;

    @BeforeEach
    void privateTempFolder() throws IOException {
        // The embedded database unpacks its server binaries into java.io.tmpdir: a private one shows whether it ran.
        tmpDir = Files.createDirectories(workDir.resolve("tmp"));
    }

    @Test
    void estimateWritesOnlyItsOutput() throws Exception {
        Path in = workDir.resolve("in.csv");
        Files.writeString(
                in,
                String.join(
                        "\n",
                        "case_id,source_id,sweep_id,model,layers,hidden,ffn_hidden,heads,kv_heads,vocab,seq_len,mlp,"
                                + "global_batch,micro_batch,precision,gpu,num_gpus,gpus_per_node,intra_node_GBps,"
                                + "inter_node_Gbps,tp,pp,dp,cp,vpp,sp,zero_stage,zeropp,recompute,flash_attn",
                        "c1,s1,w1,Llama-2 7B,32,4096,11008,32,32,32000,4096,swiglu,128,1,bf16,A100-80GB,16,8,,,2,1,8,1,1,"
                                + "1,1,none,selective,1",
                        ""));

        Result result = run("estimate", "--batch", "in.csv", "--out", "out.csv");

        assertThat(result.exitCode()).as(result.output()).isZero();
        List<String> rows = Files.readAllLines(workDir.resolve("out.csv"));
        assertThat(rows.get(0))
                .isEqualTo("case_id,pred_iter_time_s,pred_tokens_per_s_per_gpu,pred_model_tflops_per_gpu,pred_mfu,"
                        + "pred_peak_mem_gb,pred_fits,error");
        assertThat(rows.get(1)).startsWith("c1,");
        assertStartedNothing(result, "in.csv", "out.csv");
    }

    @Test
    void planWritesOnlyItsOutput() throws Exception {
        Files.writeString(
                workDir.resolve("cluster.json"),
                """
                {"name": "two-nodes",
                 "nodes": [
                   {"name": "n0", "gpus": [%s]},
                   {"name": "n1", "gpus": [%s]}],
                 "defaultLink": {"bandwidthGbps": 400, "latencyUs": 5}}
                """
                        .formatted(gpus(), gpus()));

        Result result = run(
                "plan",
                "--cluster",
                "cluster.json",
                "--model",
                "llama2-7b",
                "--global-batch",
                "64",
                "--seq-len",
                "2048",
                "--gpus",
                "16",
                "--steps",
                "200",
                "--out",
                "plan.json");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(Files.readString(workDir.resolve("plan.json")))
                .contains("\"layout\"", "\"placement\"", "\"estimate\"", "\"alternatives\"", "\"explanation\"");
        assertStartedNothing(result, "cluster.json", "plan.json");
    }

    private static String gpus() {
        List<String> gpus = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            gpus.add("{\"index\": " + i + ", \"type\": \"H100-80GB\", \"memoryBytes\": 85520809984}");
        }
        return String.join(", ", gpus);
    }

    private void assertStartedNothing(Result result, String... expectedFiles) throws IOException {
        assertThat(result.output()).doesNotContain("Tomcat", "embedded PostgreSQL", "Started PlannerMain");
        List<String> left;
        try (var files = Files.list(workDir)) {
            left = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        List<String> expected = new ArrayList<>(List.of(expectedFiles));
        expected.add("tmp");
        assertThat(left).containsExactlyInAnyOrderElementsOf(expected);
        try (var files = Files.list(tmpDir)) {
            assertThat(files.map(Path::getFileName).map(Path::toString)).noneMatch(n -> n.startsWith("embedded-pg"));
        }
    }

    private Result run(String... args) throws Exception {
        Path log = logDir.resolve(args[0] + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmpDir,
                "-jar",
                JAR.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean finished = process.waitFor(3, TimeUnit.MINUTES);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (!finished) {
            process.destroyForcibly();
            throw new AssertionError("planner.jar " + args[0] + " did not finish within 3 minutes:\n" + output);
        }
        return new Result(process.exitValue(), output);
    }

    private record Result(int exitCode, String output) {}
}
