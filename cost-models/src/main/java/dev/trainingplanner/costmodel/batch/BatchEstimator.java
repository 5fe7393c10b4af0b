package dev.trainingplanner.costmodel.batch;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.estimate.Estimate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Estimates every row of a batch file ({@code planner estimate --batch}): one output row per input row, in order; a
 * row that cannot be estimated gets its reason in {@code error} and the others are still estimated.
 */
public final class BatchEstimator {

    public static final List<String> OUTPUT_COLUMNS = List.of(
            "case_id",
            "pred_iter_time_s",
            "pred_tokens_per_s_per_gpu",
            "pred_model_tflops_per_gpu",
            "pred_mfu",
            "pred_peak_mem_gb",
            "pred_fits",
            "error");

    private final CostModel costModel;

    public BatchEstimator(CostModel costModel) {
        this.costModel = costModel;
    }

    /** One prediction row; {@code estimate} is null when {@code error} is set. */
    public record Result(String caseId, Estimate estimate, String error) {
        public List<String> cells() {
            if (estimate == null) {
                return List.of(caseId, "", "", "", "", "", "", error);
            }
            return List.of(
                    caseId,
                    format(estimate.iterationTimeSeconds(), "%.6g"),
                    format(estimate.tokensPerSecondPerGpu(), "%.6g"),
                    format(estimate.modelTflopsPerGpu(), "%.6g"),
                    format(estimate.mfu(), "%.5f"),
                    format(estimate.peakMemoryBytes() / 1e9, "%.3f"),
                    Boolean.toString(estimate.fits(0)),
                    "");
        }

        private static String format(double value, String pattern) {
            return String.format(Locale.ROOT, pattern, value);
        }
    }

    /** Checks that the header has the columns without which no row can be estimated. */
    public static void requireColumns(List<String> header) {
        List<String> missing = new ArrayList<>();
        for (String column : CaseRows.REQUIRED_COLUMNS) {
            if (!header.contains(column)) {
                missing.add(column);
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidInputException("input CSV lacks the column(s) " + missing + "; expected the input columns "
                    + CaseRows.INPUT_COLUMNS);
        }
    }

    public List<Result> estimateAll(CsvTable table) {
        requireColumns(table.header());
        List<Result> results = new ArrayList<>(table.rows().size());
        for (Map<String, String> row : table.rows()) {
            results.add(estimateRow(row));
        }
        return results;
    }

    public Result estimateRow(Map<String, String> row) {
        String caseId = row.getOrDefault("case_id", "");
        try {
            CaseInputs inputs = CaseRows.parse(row);
            Estimate estimate = costModel.estimate(
                    inputs.model(), inputs.training(), inputs.cluster(), inputs.layout(), inputs.placement());
            return new Result(caseId, estimate, null);
        } catch (InvalidInputException e) {
            return new Result(caseId, null, e.getMessage());
        } catch (RuntimeException e) {
            return new Result(caseId, null, "cannot estimate this row: " + e);
        }
    }
}
