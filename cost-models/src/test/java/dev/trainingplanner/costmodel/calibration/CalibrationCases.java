package dev.trainingplanner.costmodel.calibration;

import dev.trainingplanner.costmodel.batch.BatchEstimator;
import dev.trainingplanner.costmodel.batch.CsvTable;
import dev.trainingplanner.costmodel.estimate.CostModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Runs the repository's {@code calibration/cases.csv} through the cost model and computes the scorer's error measures
 * (median absolute percentage error of iteration time and of peak memory). The repository root is located by walking
 * up from the working directory.
 */
public final class CalibrationCases {

    record Row(
            String caseId,
            String sweep,
            double measuredTime,
            double predictedTime,
            double measuredMem,
            double predictedMem,
            boolean oom,
            boolean predictedFits,
            String error,
            boolean mixtureOfExperts,
            boolean densePreBlackwell,
            boolean denseBlackwell) {}

    record Summary(List<Row> rows, double timeMdape, int timeCount, double memoryMdape, int memoryCount, int errors) {}

    private CalibrationCases() {}

    /** Whether the row is a mixture-of-experts model (num_experts filled). */
    static boolean mixtureOfExperts(Map<String, String> row) {
        return !row.getOrDefault("num_experts", "").isBlank();
    }

    /** The repository's copy of the published calibration data ({@code calibration/} at the repository root). */
    static Path calibrationDirectory() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("calibration"))) {
                return dir.resolve("calibration");
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("calibration/ not found at the repository root (walked up from "
                + Path.of("").toAbsolutePath() + ")");
    }

    /** The repository's copy of {@code cases.csv}. */
    public static Path casesFile() {
        return calibrationDirectory().resolve("cases.csv");
    }

    static Summary run(CostModel model) {
        CsvTable table;
        try {
            table = CsvTable.parse(Files.readString(casesFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BatchEstimator estimator = new BatchEstimator(model);
        List<Row> rows = new ArrayList<>();
        List<Double> timeErrors = new ArrayList<>();
        List<Double> memErrors = new ArrayList<>();
        int errors = 0;
        for (Map<String, String> row : table.rows()) {
            BatchEstimator.Result result = estimator.estimateRow(row);
            double mt = number(row.get("measured_iter_time_s"));
            double mm = number(row.get("measured_peak_mem_gb"));
            boolean oom = "1".equals(row.get("measured_oom"));
            boolean moe = mixtureOfExperts(row);
            if (result.estimate() == null) {
                errors++;
                rows.add(new Row(
                        result.caseId(),
                        row.get("sweep_id"),
                        mt,
                        Double.NaN,
                        mm,
                        Double.NaN,
                        oom,
                        false,
                        result.error(),
                        moe,
                        densePreBlackwell(row),
                        denseBlackwell(row)));
                continue;
            }
            double pt = result.estimate().iterationTimeSeconds();
            double pm = result.estimate().peakMemoryBytes() / 1e9;
            if (!oom && !Double.isNaN(mt)) {
                timeErrors.add(Math.abs(pt - mt) / mt);
            }
            if (!oom && !Double.isNaN(mm)) {
                memErrors.add(Math.abs(pm - mm) / mm);
            }
            rows.add(new Row(
                    result.caseId(),
                    row.get("sweep_id"),
                    mt,
                    pt,
                    mm,
                    pm,
                    oom,
                    result.estimate().fits(0),
                    null,
                    moe,
                    densePreBlackwell(row),
                    denseBlackwell(row)));
        }
        return new Summary(rows, median(timeErrors), timeErrors.size(), median(memErrors), memErrors.size(), errors);
    }

    /** A measured column's value, NaN where it is blank or not a number (the file leaves unpublished values blank). */
    public static double number(String text) {
        if (text == null || text.isBlank()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.POSITIVE_INFINITY;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** GPU families of the acceptance set: the dense rows on pre-Blackwell GPUs. */
    private static final List<String> PRE_BLACKWELL = List.of("V100", "A100", "H100", "H200");

    /** GPU families of the Blackwell rows: B200, B300 and the GB200 / GB300 NVL72 trays. */
    private static final List<String> BLACKWELL = List.of("B200", "B300", "GB200", "GB300");

    /** Whether the row is a dense Blackwell row (S19): priced today on a Blackwell GPU. */
    static boolean denseBlackwell(Map<String, String> row) {
        String gpu = row.getOrDefault("gpu", "");
        return !mixtureOfExperts(row) && BLACKWELL.stream().anyMatch(gpu::startsWith);
    }

    /** Whether the row is in the dense acceptance set: a dense model (no experts) on a pre-Blackwell GPU. */
    static boolean densePreBlackwell(Map<String, String> row) {
        String gpu = row.getOrDefault("gpu", "");
        return !mixtureOfExperts(row) && PRE_BLACKWELL.stream().anyMatch(gpu::startsWith);
    }

    /**
     * Writes the acceptance set's rows ({@code dense-cases.csv}) and their predictions as {@code planner estimate
     * --batch} writes them ({@code dense-predictions.csv}) into {@code directory}, for {@code score_estimates.py}.
     */
    static void writeDenseSet(Path directory) throws IOException {
        CsvTable table = CsvTable.parse(Files.readString(casesFile()));
        BatchEstimator estimator = new BatchEstimator(new CostModel());
        StringBuilder cases = new StringBuilder(CsvTable.line(table.header())).append('\n');
        StringBuilder predictions = new StringBuilder(CsvTable.line(BatchEstimator.OUTPUT_COLUMNS)).append('\n');
        for (Map<String, String> row : table.rows()) {
            if (densePreBlackwell(row)) {
                cases.append(CsvTable.line(table.header().stream()
                                .map(column -> row.getOrDefault(column, ""))
                                .toList()))
                        .append('\n');
                predictions
                        .append(CsvTable.line(estimator.estimateRow(row).cells()))
                        .append('\n');
            }
        }
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("dense-cases.csv"), cases);
        Files.writeString(directory.resolve("dense-predictions.csv"), predictions);
    }

    /**
     * Prints every row and the summary; used by the calibration test and when re-fitting. With {@code --write DIR} it
     * writes the acceptance set and its predictions instead ({@link #writeDenseSet}).
     */
    public static void main(String[] args) throws IOException {
        if (args.length == 2 && "--write".equals(args[0])) {
            writeDenseSet(Path.of(args[1]));
            return;
        }
        Summary summary = run(new CostModel());
        for (Row r : summary.rows()) {
            if (r.error() != null) {
                System.out.printf("%-9s ERROR %s%n", r.caseId(), r.error());
            } else {
                System.out.printf(
                        "%-9s %-24s time %9.3f pred %9.3f err %+6.1f%%   mem %6.1f pred %6.1f %s%n",
                        r.caseId(),
                        r.sweep(),
                        r.measuredTime(),
                        r.predictedTime(),
                        100 * (r.predictedTime() - r.measuredTime()) / r.measuredTime(),
                        r.measuredMem(),
                        r.predictedMem(),
                        r.predictedFits() ? "" : "NOFIT");
            }
        }
        System.out.printf(
                "time MdAPE %.1f%% on %d, memory MdAPE %.1f%% on %d, errors %d%n",
                100 * summary.timeMdape(),
                summary.timeCount(),
                100 * summary.memoryMdape(),
                summary.memoryCount(),
                summary.errors());
    }
}
