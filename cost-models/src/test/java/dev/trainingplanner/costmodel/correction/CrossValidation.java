package dev.trainingplanner.costmodel.correction;

import static dev.trainingplanner.costmodel.calibration.CalibrationCases.number;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.batch.CaseInputs;
import dev.trainingplanner.costmodel.batch.CaseRows;
import dev.trainingplanner.costmodel.batch.CsvTable;
import dev.trainingplanner.costmodel.calibration.CalibrationCases;
import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.estimate.Estimate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * Leave-one-out cross-validation of the per-cluster corrections on the published runs ({@code calibration/cases.csv}):
 * every {@code sweep_id} with at least {@value #MINIMUM_ROWS} estimable rows stands for one cluster; each of its rows is
 * left out in turn, corrections are fitted ({@link CorrectionFitter}) on the other rows of its sweep, and the left-out
 * row is predicted with them ({@link CorrectedCostModel}). A published row is one run with one figure: its sample count
 * is 1. Rows that cannot be estimated are listed with the reason, never dropped silently.
 *
 * <p>Run: {@code java -cp target/classes:target/test-classes:<deps>
 * dev.trainingplanner.costmodel.correction.CrossValidation [output folder]} (default {@code target/cross-validation});
 * writes {@code cross-validation.csv} (one line per left-out row) and {@code cross-validation.md} (the summary).
 */
public final class CrossValidation {

    /** Rows a sweep needs to count as a cluster (issue: "every sweep with at least 4 rows"). */
    static final int MINIMUM_ROWS = 4;

    /** One left-out prediction: time and, where the row measured it, memory, before and after correction. */
    record Prediction(
            String caseId,
            String sweep,
            double measuredSeconds,
            double beforeSeconds,
            double afterSeconds,
            double measuredMemoryBytes,
            double beforeMemoryBytes,
            double afterMemoryBytes,
            String correctionVersion,
            String applied) {

        double beforeError() {
            return Math.abs(beforeSeconds - measuredSeconds) / measuredSeconds;
        }

        double afterError() {
            return Math.abs(afterSeconds - measuredSeconds) / measuredSeconds;
        }

        boolean hasMemory() {
            return !Double.isNaN(measuredMemoryBytes);
        }
    }

    /** A row left out of the cross-validation and why. */
    record Skipped(String caseId, String sweep, String reason) {}

    /** Median absolute errors of one group of left-out predictions. */
    record Summary(
            String sweep,
            int rows,
            double before,
            double after,
            int memoryRows,
            double memoryBefore,
            double memoryAfter) {}

    record Result(List<Prediction> predictions, List<Skipped> skipped, Summary overall, List<Summary> sweeps) {}

    private CrossValidation() {}

    static Result run() throws IOException {
        CsvTable table = CsvTable.parse(Files.readString(CalibrationCases.casesFile()));
        CostModel base = new CostModel();
        Map<String, List<Measurement>> bySweep = new LinkedHashMap<>();
        List<Skipped> skipped = new ArrayList<>();
        for (Map<String, String> row : table.rows()) {
            String caseId = row.get("case_id");
            String sweep = row.get("sweep_id");
            String reason = unestimable(row, base);
            if (reason != null) {
                skipped.add(new Skipped(caseId, sweep, reason));
                continue;
            }
            bySweep.computeIfAbsent(sweep, s -> new ArrayList<>()).add(measurement(row));
        }
        List<Prediction> predictions = new ArrayList<>();
        CorrectionFitter fitter = new CorrectionFitter();
        for (Map.Entry<String, List<Measurement>> sweep : bySweep.entrySet()) {
            List<Measurement> runs = sweep.getValue();
            if (runs.size() < MINIMUM_ROWS) {
                runs.forEach(run -> skipped.add(new Skipped(
                        run.runId(),
                        sweep.getKey(),
                        "sweep has " + runs.size() + " estimable row(s), fewer than " + MINIMUM_ROWS)));
                continue;
            }
            for (Measurement left : runs) {
                List<Measurement> others = new ArrayList<>(runs);
                others.remove(left);
                CorrectionSet corrections = fitter.fit(others);
                predictions.add(predict(left, sweep.getKey(), base, corrections));
            }
        }
        List<Summary> sweeps = new ArrayList<>();
        predictions.stream()
                .collect(Collectors.groupingBy(Prediction::sweep, LinkedHashMap::new, Collectors.toList()))
                .forEach((sweep, rows) -> sweeps.add(summary(sweep, rows)));
        return new Result(predictions, skipped, summary("all", predictions), sweeps);
    }

    /** Why {@code row} cannot take part, or null when it can. */
    private static String unestimable(Map<String, String> row, CostModel base) {
        if ("1".equals(row.get("measured_oom"))) {
            return "ran out of memory: no iteration time";
        }
        if (Double.isNaN(number(row.get("measured_iter_time_s")))) {
            return "no measured iteration time";
        }
        try {
            CaseInputs in = CaseRows.parse(row);
            Estimate estimate = base.estimate(in.model(), in.training(), in.cluster(), in.layout(), in.placement());
            if (!Double.isFinite(estimate.iterationTimeSeconds())) {
                return "no finite predicted iteration time";
            }
            return null;
        } catch (InvalidInputException e) {
            return e.getMessage();
        }
    }

    private static Measurement measurement(Map<String, String> row) {
        double memoryGb = number(row.get("measured_peak_mem_gb"));
        return new Measurement(
                row.get("case_id"),
                CaseRows.parse(row),
                number(row.get("measured_iter_time_s")),
                Double.isNaN(memoryGb) ? OptionalDouble.empty() : OptionalDouble.of(memoryGb * 1e9),
                Map.of(),
                1);
    }

    private static Prediction predict(Measurement left, String sweep, CostModel base, CorrectionSet corrections) {
        CaseInputs in = left.inputs();
        Estimate before = base.estimate(in.model(), in.training(), in.cluster(), in.layout(), in.placement());
        CorrectedEstimate after = new CorrectedCostModel(corrections, in.cluster())
                .estimate(in.model(), in.training(), in.layout(), in.placement());
        String applied = after.applied().stream()
                .map(a -> String.format(
                        Locale.ROOT,
                        "%s%s=%.4f(%d runs)",
                        a.kind(),
                        a.scope().isEmpty() ? "" : "[" + a.scope() + "]",
                        a.value(),
                        a.runs()))
                .collect(Collectors.joining(" "));
        return new Prediction(
                left.runId(),
                sweep,
                left.iterationSeconds(),
                before.iterationTimeSeconds(),
                after.estimate().iterationTimeSeconds(),
                left.peakMemoryBytes().orElse(Double.NaN),
                before.peakMemoryBytes(),
                after.estimate().peakMemoryBytes(),
                after.correctionVersion(),
                applied);
    }

    private static Summary summary(String sweep, List<Prediction> rows) {
        List<Prediction> memory = rows.stream().filter(Prediction::hasMemory).toList();
        return new Summary(
                sweep,
                rows.size(),
                median(rows.stream().map(Prediction::beforeError).toList()),
                median(rows.stream().map(Prediction::afterError).toList()),
                memory.size(),
                median(memory.stream()
                        .map(p -> Math.abs(p.beforeMemoryBytes() - p.measuredMemoryBytes()) / p.measuredMemoryBytes())
                        .toList()),
                median(memory.stream()
                        .map(p -> Math.abs(p.afterMemoryBytes() - p.measuredMemoryBytes()) / p.measuredMemoryBytes())
                        .toList()));
    }

    private static double median(List<Double> values) {
        return values.isEmpty() ? Double.NaN : CorrectionFitter.median(values);
    }

    /** Writes {@code cross-validation.csv} and {@code cross-validation.md} into {@code directory}. */
    static void write(Result result, Path directory) throws IOException {
        Files.createDirectories(directory);
        StringBuilder csv = new StringBuilder(CsvTable.line(List.of(
                        "case_id",
                        "sweep_id",
                        "measured_iter_time_s",
                        "before_s",
                        "after_s",
                        "before_abs_pct_error",
                        "after_abs_pct_error",
                        "measured_peak_mem_gb",
                        "before_mem_gb",
                        "after_mem_gb",
                        "correction_version",
                        "applied")))
                .append('\n');
        for (Prediction p : result.predictions()) {
            csv.append(CsvTable.line(List.of(
                            p.caseId(),
                            p.sweep(),
                            format(p.measuredSeconds()),
                            format(p.beforeSeconds()),
                            format(p.afterSeconds()),
                            percent(p.beforeError()),
                            percent(p.afterError()),
                            p.hasMemory() ? format(p.measuredMemoryBytes() / 1e9) : "",
                            format(p.beforeMemoryBytes() / 1e9),
                            format(p.afterMemoryBytes() / 1e9),
                            p.correctionVersion(),
                            p.applied())))
                    .append('\n');
        }
        Files.writeString(directory.resolve("cross-validation.csv"), csv);
        Files.writeString(directory.resolve("cross-validation.md"), report(result));
    }

    /** The summary as Markdown: overall and per-sweep medians, then the rows left out with their reasons. */
    static String report(Result result) {
        StringBuilder md = new StringBuilder();
        Summary all = result.overall();
        md.append(String.format(
                Locale.ROOT,
                "Leave-one-out over %d rows in %d sweeps of at least %d estimable rows: median absolute iteration-time"
                        + " error %s before correction, %s after (memory, %d rows with a measured peak: %s before, %s"
                        + " after).%n%n",
                all.rows(),
                result.sweeps().size(),
                MINIMUM_ROWS,
                percentLabel(all.before()),
                percentLabel(all.after()),
                all.memoryRows(),
                percentLabel(all.memoryBefore()),
                percentLabel(all.memoryAfter())));
        md.append(
                "| sweep | rows | time error before | after | change (points) | memory rows | memory before | after |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (Summary s : result.sweeps()) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %s | %s | %+.1f | %d | %s | %s |%n",
                    s.sweep(),
                    s.rows(),
                    percentLabel(s.before()),
                    percentLabel(s.after()),
                    100 * (s.after() - s.before()),
                    s.memoryRows(),
                    s.memoryRows() == 0 ? "–" : percentLabel(s.memoryBefore()),
                    s.memoryRows() == 0 ? "–" : percentLabel(s.memoryAfter())));
        }
        md.append(String.format(
                Locale.ROOT,
                "%nRows not cross-validated (%d):%n%n",
                result.skipped().size()));
        for (Skipped s : result.skipped()) {
            md.append("- ")
                    .append(s.caseId())
                    .append(" (")
                    .append(s.sweep())
                    .append("): ")
                    .append(s.reason())
                    .append('\n');
        }
        return md.toString();
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.2f", 100 * fraction);
    }

    private static String percentLabel(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }

    public static void main(String[] args) throws IOException {
        Path directory = Path.of(args.length > 0 ? args[0] : "target/cross-validation");
        Result result = run();
        write(result, directory);
        System.out.print(report(result));
        System.out.println("written to " + directory.toAbsolutePath());
    }
}
