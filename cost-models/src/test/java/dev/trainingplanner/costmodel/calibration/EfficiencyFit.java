package dev.trainingplanner.costmodel.calibration;

import dev.trainingplanner.costmodel.batch.CaseInputs;
import dev.trainingplanner.costmodel.batch.CaseRows;
import dev.trainingplanner.costmodel.batch.CsvTable;
import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.estimate.PreparedLayout;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fit behind {@link EfficiencyTable}: a grid search over two shape parameters shared by every GPU (GEMM half-width,
 * memory-bound bytes per token) and, per GPU family, the GEMM efficiency (16-bit and FP8), minimising median + mean
 * absolute percentage error of the iteration time on that family's rows of {@code cases.csv}. Prints the best values;
 * run on demand.
 */
public final class EfficiencyFit {

    private EfficiencyFit() {}

    record Row(CaseInputs inputs, double measured) {}

    /** GPU families fitted together: the same silicon under different memory sizes shares its efficiencies. */
    private static final List<List<String>> FAMILIES = List.of(
            List.of("V100-32GB"), List.of("A100-40GB", "A100-80GB"), List.of("H100-80GB"), List.of("H100-96GB"));

    public static void main(String[] args) throws Exception {
        CsvTable table = CsvTable.parse(Files.readString(CalibrationCases.casesFile()));
        List<List<Row>> families = new ArrayList<>();
        for (List<String> family : FAMILIES) {
            List<Row> rows = new ArrayList<>();
            for (Map<String, String> r : table.rows()) {
                String t = r.get("measured_iter_time_s");
                boolean priced = CalibrationCases.pendingFeature(r) == null;
                if (priced && family.contains(r.get("gpu")) && t != null && !t.isBlank()) {
                    rows.add(new Row(CaseRows.parse(r), Double.parseDouble(t)));
                }
            }
            families.add(rows);
        }
        double bestTotal = Double.POSITIVE_INFINITY;
        List<String> bestLines = List.of();
        for (double half : new double[] {0, 64, 128, 256, 512}) {
            for (double mem : new double[] {0, 20, 40, 60}) {
                double total = 0;
                List<String> lines = new ArrayList<>();
                for (int f = 0; f < families.size(); f++) {
                    Fit fit = fitFamily(families.get(f), half, mem);
                    total += fit.score() * families.get(f).size();
                    lines.add(FAMILIES.get(f) + ": " + fit.text());
                }
                if (total < bestTotal) {
                    bestTotal = total;
                    bestLines = new ArrayList<>(lines);
                    bestLines.add(0, String.format(Locale.ROOT, "shared: halfWidth %.0f memBytes %.0f", half, mem));
                }
            }
        }
        bestLines.forEach(System.out::println);
    }

    record Fit(double score, String text) {}

    private static Fit fitFamily(List<Row> rows, double half, double mem) {
        GpuEfficiency base =
                EfficiencyTable.forGpu(rows.get(0).inputs().cluster().gpuType());
        double best = Double.POSITIVE_INFINITY;
        String bestText = "";
        for (double gemm = 0.40; gemm <= 0.80001; gemm += 0.01) {
            for (double fp8 : fp8Candidates(rows, gemm)) {
                GpuEfficiency e = new GpuEfficiency(
                        gemm,
                        fp8,
                        base.attentionEfficiency(),
                        mem,
                        base.hbmEfficiency(),
                        base.tensorParallelExposedFraction(),
                        base.dataParallelOverlapFraction(),
                        base.pipelineP2pExposedFraction(),
                        base.zero3OverlapFraction(),
                        base.contextBytes(),
                        base.ncclBytesPerCommunicator(),
                        base.allocatorReserveFraction(),
                        "fit");
                CostModel model = new CostModel(c -> e);
                List<Double> errors = new ArrayList<>();
                double sum = 0;
                for (Row row : rows) {
                    CaseInputs in = row.inputs();
                    PreparedLayout p = model.prepare(in.model(), in.training(), in.cluster(), in.layout());
                    double err = Math.abs(p.evaluate(in.placement()).iterationTimeSeconds() - row.measured())
                            / row.measured();
                    errors.add(err);
                    sum += err;
                }
                double score = CalibrationCases.median(errors) + sum / errors.size();
                if (score < best) {
                    best = score;
                    bestText = String.format(
                            Locale.ROOT,
                            "gemm %.2f fp8 %.2f -> median %.1f%% mean %.1f%% on %d rows",
                            gemm,
                            fp8,
                            100 * CalibrationCases.median(errors),
                            100 * sum / errors.size(),
                            errors.size());
                }
            }
        }
        return new Fit(best, bestText);
    }

    private static double[] fp8Candidates(List<Row> rows, double gemm) {
        boolean anyFp8 = rows.stream()
                .anyMatch(
                        r -> r.inputs().training().precision() == dev.trainingplanner.costmodel.training.Precision.FP8);
        if (!anyFp8) {
            return new double[] {gemm};
        }
        double[] values = new double[16];
        for (int i = 0; i < values.length; i++) {
            values[i] = 0.25 + 0.02 * i;
        }
        return values;
    }
}
