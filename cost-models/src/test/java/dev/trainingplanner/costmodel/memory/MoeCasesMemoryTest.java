package dev.trainingplanner.costmodel.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.costmodel.batch.CsvTable;
import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import dev.trainingplanner.costmodel.cluster.GpuType;
import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.estimate.PreparedLayout;
import dev.trainingplanner.costmodel.estimate.StageMemory;
import dev.trainingplanner.costmodel.layout.ExpertParallelism;
import dev.trainingplanner.costmodel.layout.ExpertRouting;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.model.LatentAttention;
import dev.trainingplanner.costmodel.model.MixtureOfExperts;
import dev.trainingplanner.costmodel.model.MlpKind;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.model.NormKind;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The memory model on the published Megatron-Bridge mixture-of-experts runs of {@code calibration/cases.csv} whose GPU
 * the catalog has. None of them publishes its memory, and all of them ran, so each should be predicted to fit; the
 * predicted peak of every stage of every row is printed. The inputs are built here from the row's columns
 * (Megatron-Bridge settings: SP with TP as Megatron requires for MoE, the distributed optimizer, dropless routing
 * force-balanced, or a capacity factor of 1 for the "tokendrop" rows). MXFP8 rows are taken as FP8, which the memory
 * model treats alike.
 *
 * <p>Rows predicted not to fit although they ran, each for a reason the model does not cover:
 *
 * <ul>
 *   <li>S11-261, S11-267 (Qwen3-30B-A3B, FP8, 47-49 chunks in flight at vpp 24), S11-266 (DeepSeek-V3, FP8; its
 *       recipe's custom pipeline layout of 61 layers is not expressible) and S19-390 (Qwen3-30B-A3B, MXFP8, b 4 without
 *       pipelining): Transformer Engine keeps the inputs of its FP8 GEMMs in FP8 (1 B instead of 2), which the
 *       activation model does not count for any layer;
 *   <li>S11-260 (GPT-OSS-120B, bf16, b 4, recompute not published): 4 micro-batches in flight of 9 layers at 2.2 GB
 *       cannot fit in 80 GB without a recompute the table does not state.
 * </ul>
 *
 * The test fails on any other row predicted not to fit.
 */
class MoeCasesMemoryTest {

    /** The rows of the class comment: predicted not to fit for a documented reason. */
    private static final List<String> KNOWN_NOT_FITTING =
            List.of("S11-260", "S11-261", "S11-266", "S11-267", "S19-390");

    @Test
    void everyMoeRunThatRanIsPredictedToFitButForTheDocumentedOnes() throws IOException {
        CostModel costModel = new CostModel();
        List<String> lines = new ArrayList<>();
        List<String> notFitting = new ArrayList<>();
        int rows = 0;
        for (Map<String, String> row :
                CsvTable.parse(Files.readString(casesFile())).rows()) {
            if (row.get("num_experts").isBlank() || !GpuCatalog.names().contains(row.get("gpu"))) {
                continue;
            }
            rows++;
            GpuType gpu = GpuCatalog.byName(row.get("gpu"));
            int perNode = integer(row, "gpus_per_node", 8);
            Cluster cluster = Cluster.uniform(gpu, integer(row, "num_gpus", 0) / perNode, perNode);
            PreparedLayout prepared = costModel.prepare(model(row), training(row), cluster, layout(row));
            double peak = prepared.peakMemoryBytes();
            StringBuilder stages = new StringBuilder();
            for (StageMemory stage : prepared.stageMemory()) {
                stages.append(String.format(
                        Locale.ROOT,
                        " %.1f(%d/%d moe, experts %.1f, act %.1f)",
                        stage.totalBytes() / 1e9,
                        stage.moeLayers(),
                        stage.layers(),
                        stage.expertStatesBytes() / 1e9,
                        stage.activationsBytes() / 1e9));
            }
            lines.add(String.format(
                    Locale.ROOT,
                    "%s %-28s %s peak %.1f GB of %.1f; stages GB:%s",
                    row.get("case_id"),
                    row.get("model"),
                    row.get("gpu"),
                    peak / 1e9,
                    cluster.uniformUsableMemoryBytes() / 1e9,
                    stages));
            if (peak > cluster.uniformUsableMemoryBytes()) {
                notFitting.add(row.get("case_id"));
            }
        }
        System.out.println("MoE rows of cases.csv (none publishes memory; all ran):");
        lines.forEach(System.out::println);

        assertThat(rows).isGreaterThanOrEqualTo(10);
        System.out.println("predicted not to fit although they ran: " + notFitting);
        assertThat(notFitting)
                .as("MoE runs that ran but are predicted not to fit")
                .isSubsetOf(KNOWN_NOT_FITTING);
    }

    private static ModelSpec model(Map<String, String> row) {
        int hidden = integer(row, "hidden", 0);
        int heads = integer(row, "heads", 0);
        LatentAttention mla = row.get("kv_lora_rank").isBlank()
                ? LatentAttention.NONE
                : new LatentAttention(
                        integer(row, "q_lora_rank", 0),
                        integer(row, "kv_lora_rank", 0),
                        integer(row, "qk_rope_head_dim", 0),
                        integer(row, "v_head_dim", 0));
        MixtureOfExperts experts = new MixtureOfExperts(
                integer(row, "num_experts", 0),
                integer(row, "top_k", 0),
                integer(row, "moe_ffn_hidden", 0),
                integer(row, "shared_experts", 0),
                integer(row, "moe_dense_layers", 0));
        return new ModelSpec(
                row.get("model"),
                integer(row, "layers", 0),
                hidden,
                integer(row, "ffn_hidden", 4 * hidden),
                heads,
                integer(row, "kv_heads", heads),
                integer(row, "vocab", 0),
                integer(row, "seq_len", 0),
                MlpKind.valueOf(row.get("mlp").toUpperCase(Locale.ROOT)),
                false,
                true,
                NormKind.RMS_NORM,
                integer(row, "head_dim", 0),
                mla,
                experts);
    }

    private static TrainingSpec training(Map<String, String> row) {
        String precision = row.get("precision").toLowerCase(Locale.ROOT);
        return new TrainingSpec(
                integer(row, "global_batch", 0),
                integer(row, "micro_batch", 1),
                precision.equals("bf16") ? Precision.BF16 : Precision.FP8,
                Framework.MEGATRON);
    }

    private static Layout layout(Map<String, String> row) {
        int tp = integer(row, "tp", 1);
        boolean tokenDrop = row.get("model").toLowerCase(Locale.ROOT).contains("tokendrop");
        ExpertParallelism experts = ExpertParallelism.of(integer(row, "ep", 1), integer(row, "etp", 1))
                .withRouting(tokenDrop ? ExpertRouting.capacity(1.0) : ExpertRouting.BALANCED);
        String recompute = row.get("recompute").toLowerCase(Locale.ROOT);
        return Layout.builder()
                .tp(tp)
                .pp(integer(row, "pp", 1))
                .dp(integer(row, "dp", 1))
                .cp(integer(row, "cp", 1))
                .virtualStages(integer(row, "vpp", 1))
                .sequenceParallel(tp > 1)
                .recompute(
                        switch (recompute) {
                            case "selective" -> Recompute.SELECTIVE;
                            case "full" -> Recompute.FULL;
                            default -> Recompute.NONE;
                        })
                .zeroStage(integer(row, "zero_stage", 1))
                .expertParallelism(experts)
                .build();
    }

    private static int integer(Map<String, String> row, String column, int blank) {
        String value = row.get(column);
        return value == null || value.isBlank() ? blank : Integer.parseInt(value.trim());
    }

    private static Path casesFile() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("calibration").resolve("cases.csv"))) {
            dir = dir.getParent();
        }
        assertThat(dir)
                .as("calibration/cases.csv above " + Path.of("").toAbsolutePath())
                .isNotNull();
        return dir.resolve("calibration").resolve("cases.csv");
    }
}
