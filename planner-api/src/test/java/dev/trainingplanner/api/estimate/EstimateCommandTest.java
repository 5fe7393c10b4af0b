package dev.trainingplanner.api.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.api.cli.CliCommands;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EstimateCommandTest {

    private static final String HEADER =
            "case_id,source_id,sweep_id,model,layers,hidden,ffn_hidden,heads,kv_heads,vocab,"
                    + "seq_len,mlp,global_batch,micro_batch,precision,gpu,num_gpus,gpus_per_node,intra_node_GBps,"
                    + "inter_node_Gbps,tp,pp,dp,cp,vpp,sp,zero_stage,zeropp,recompute,flash_attn,measured_iter_time_s,note";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new EstimateCommand()
                .run(
                        List.of(args),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void isFoundByTheServiceLoader() {
        assertThat(CliCommands.find("estimate")).isPresent();
    }

    @Test
    void batchWritesOneRowPerInputRowInOrderWithErrorsInTheErrorColumn() throws Exception {
        Path in = dir.resolve("in.csv");
        Files.writeString(
                in,
                String.join(
                        "\n",
                        HEADER,
                        "a,S,s1,Llama 3 8B,32,4096,14336,32,8,128256,8192,swiglu,128,1,bf16,H100-80GB,8,8,,,1,1,8,1,1,,1,none,"
                                + "selective,1,9.1,\"quoted, note\"",
                        "b,S,s1,bad,32,4096,,32,,50257,2048,gelu,64,,,H900,8,8,,,8,1,1,1,1,,,,,,,",
                        "c,S,s1,GPT,24,2048,,16,,50257,2048,gelu,64,,,A100-80GB,,,,,2,2,2,1,1,,0,,full,0,,"));
        Path outFile = dir.resolve("out.csv");

        int code = run("--batch", in.toString(), "--out", outFile.toString());

        assertThat(code).isZero();
        List<String> lines = Files.readAllLines(outFile);
        assertThat(lines.get(0))
                .isEqualTo("case_id,pred_iter_time_s,pred_tokens_per_s_per_gpu,pred_model_tflops_per_gpu,pred_mfu,"
                        + "pred_peak_mem_gb,pred_fits,error");
        assertThat(lines).hasSize(4);
        assertThat(lines.get(1)).startsWith("a,").endsWith(",true,");
        assertThat(lines.get(2)).startsWith("b,,,,,,,").contains("unknown GPU type 'H900'");
        assertThat(lines.get(3)).startsWith("c,");
        String[] a = lines.get(1).split(",");
        assertThat(Double.parseDouble(a[1])).isBetween(5.0, 15.0);
        assertThat(Double.parseDouble(a[4])).isBetween(0.2, 0.7);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("estimated 2 of 3 rows");
    }

    @Test
    void unusableFilesGiveExitCode2WithAReason() throws Exception {
        assertThat(run(
                        "--batch",
                        dir.resolve("missing.csv").toString(),
                        "--out",
                        dir.resolve("o.csv").toString()))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot read input file");

        Path noColumns = dir.resolve("wrong.csv");
        Files.writeString(noColumns, "x,y\n1,2\n");
        assertThat(run(
                        "--batch",
                        noColumns.toString(),
                        "--out",
                        dir.resolve("o.csv").toString()))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("lacks the column(s)")
                .contains("layers");

        assertThat(run("--batch", noColumns.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--batch needs --out");

        assertThat(run("--bogus", "1")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --bogus");
    }

    @Test
    void singleCaseFromFlagsPrintsTheBreakdown() {
        int code = run(
                "--model",
                "llama3-70b",
                "--gpu",
                "H100-80GB",
                "--num-gpus",
                "64",
                "--tp",
                "8",
                "--pp",
                "2",
                "--global-batch",
                "128",
                "--recompute",
                "full",
                "--headroom",
                "0.05");
        assertThat(code).isZero();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text)
                .contains("llama3-70b on 64 x H100-80GB")
                .contains("Calibration: fitted")
                .contains("Iteration time")
                .contains("pipeline bubble")
                .contains("exposed DP/ZeRO comm")
                .contains("MFU")
                .contains("stage layers");
    }

    @Test
    void aMixtureOfExpertsCasePrintsItsAllToAllOnItsOwnLine() {
        int code = run(
                "--model",
                "qwen3-30b-a3b",
                "--gpu",
                "H100-80GB",
                "--num-gpus",
                "16",
                "--ep",
                "16",
                "--global-batch",
                "64");
        assertThat(code).isZero();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("qwen3-30b-a3b on 16 x H100-80GB").containsPattern("MoE all-to-all +[0-9.]+ s");
    }

    @Test
    void singleCaseFromJson() throws Exception {
        Path json = dir.resolve("case.json");
        Files.writeString(
                json,
                "{\"model\": \"llama2-7b\", \"gpu\": \"A100-80GB\", \"num_gpus\": 8, \"tp\": 1,"
                        + " \"global_batch\": 64, \"flash_attn\": true}");
        assertThat(run("--json", json.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("llama2-7b on 8 x A100-80GB");
        assertThat(run("--json", json.toString(), "--gpu", "H200-141GB")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("derived from h100-80gb");

        Path model = dir.resolve("model.json");
        Files.writeString(
                model,
                "{\"name\": \"tiny\", \"layers\": 12, \"hiddenSize\": 768, \"attentionHeads\": 12,"
                        + " \"vocabularySize\": 50257, \"sequenceLength\": 1024, \"mlp\": \"gelu\"}");
        assertThat(run("--model-json", model.toString(), "--gpu", "V100-32GB", "--num_gpus", "1"))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("tiny on 1 x V100-32GB");

        assertThat(run("--model", "llama3-8b")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--gpu");
    }
}
