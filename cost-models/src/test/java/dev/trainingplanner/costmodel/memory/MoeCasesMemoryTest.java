package dev.trainingplanner.costmodel.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.costmodel.batch.CaseInputs;
import dev.trainingplanner.costmodel.batch.CaseRows;
import dev.trainingplanner.costmodel.batch.CsvTable;
import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.estimate.PreparedLayout;
import dev.trainingplanner.costmodel.estimate.StageMemory;
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
 * predicted peak of every stage of every row is printed. The inputs are the estimator's ({@link CaseRows}).
 *
 * <p>Rows predicted not to fit although they ran, each for a reason the model does not cover:
 *
 * <ul>
 *   <li>S11-260 (GPT-OSS-120B, bf16, b 4, recompute not published): 4 micro-batches in flight of 9 layers at 2.2 GB
 *       cannot fit in 80 GB without a recompute the table does not state.
 * </ul>
 *
 * The test fails on any other row predicted not to fit.
 */
class MoeCasesMemoryTest {

    /** The rows of the class comment: predicted not to fit for a documented reason. */
    private static final List<String> KNOWN_NOT_FITTING = List.of("S11-260");

    @Test
    void everyMoeRunThatRanIsPredictedToFitButForTheDocumentedOnes() throws IOException {
        CostModel costModel = new CostModel();
        List<String> lines = new ArrayList<>();
        List<String> notFitting = new ArrayList<>();
        int rows = 0;
        for (Map<String, String> row :
                CsvTable.parse(Files.readString(casesFile())).rows()) {
            if (row.get("num_experts").isBlank()) {
                continue;
            }
            rows++;
            CaseInputs inputs = CaseRows.parse(row);
            Cluster cluster = inputs.cluster();
            PreparedLayout prepared = costModel.prepare(inputs.model(), inputs.training(), cluster, inputs.layout());
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
