package dev.trainingplanner.costmodel.calibration;

import dev.trainingplanner.costmodel.batch.CaseInputs;
import dev.trainingplanner.costmodel.batch.CaseRows;
import dev.trainingplanner.costmodel.batch.CsvTable;
import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.estimate.PreparedLayout;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fit behind {@link EfficiencyTable}, on the dense rows on pre-Blackwell GPUs of {@code cases.csv} (the rows the
 * model prices, less B200). First, per GPU family, the achievable GEMM level (16-bit and FP8) with the memory-bound
 * bytes per token shared by every family, by grid search minimising median + mean absolute percentage error of the
 * iteration time on the family's Megatron and FSDP rows. Then DeepSpeed's two fixed costs (per micro-batch and stage,
 * per checkpointed layer and micro-batch) by least squares of the relative time residual of the DeepSpeed rows, which
 * is linear in them: each adds {@code (m + p − 1)} times its per-stage amount to an even pipeline. Prints the values;
 * run on demand.
 */
public final class EfficiencyFit {

    private EfficiencyFit() {}

    record Row(CaseInputs inputs, double measured) {}

    /** GPU families fitted together: the same silicon under different memory sizes shares its efficiencies. */
    private static final List<List<String>> FAMILIES = List.of(
            List.of("V100-32GB"),
            List.of("A100-40GB", "A100-80GB"),
            List.of("H100-80GB"),
            List.of("H100-96GB"),
            List.of("H200-141GB"));

    public static void main(String[] args) throws Exception {
        CsvTable table = CsvTable.parse(Files.readString(CalibrationCases.casesFile()));
        List<List<Row>> families = new ArrayList<>();
        List<Row> deepspeed = new ArrayList<>();
        for (List<String> family : FAMILIES) {
            List<Row> rows = new ArrayList<>();
            for (Map<String, String> r : table.rows()) {
                String t = r.get("measured_iter_time_s");
                boolean priced = CalibrationCases.densePreBlackwell(r);
                if (priced && family.contains(r.get("gpu")) && t != null && !t.isBlank()) {
                    Row row = new Row(CaseRows.parse(r), Double.parseDouble(t));
                    (row.inputs().training().framework() == Framework.DEEPSPEED ? deepspeed : rows).add(row);
                }
            }
            families.add(rows);
        }
        double bestTotal = Double.POSITIVE_INFINITY;
        List<String> bestLines = List.of();
        for (double mem : new double[] {20, 30, 40, 50, 60, 70, 80}) {
            double total = 0;
            List<String> lines = new ArrayList<>();
            for (int f = 0; f < families.size(); f++) {
                Fit fit = fitFamily(families.get(f), mem);
                total += fit.score() * families.get(f).size();
                lines.add(FAMILIES.get(f) + ": " + fit.text());
            }
            if (total < bestTotal) {
                bestTotal = total;
                bestLines = new ArrayList<>(lines);
                bestLines.add(0, String.format(Locale.ROOT, "shared: memBytes %.0f", mem));
            }
        }
        bestLines.forEach(System.out::println);
        fitDeepSpeed(deepspeed);
    }

    record Fit(double score, String text) {}

    private static GpuEfficiency with(GpuEfficiency base, double gemm, double fp8, double mem) {
        return new GpuEfficiency(
                gemm,
                fp8,
                base.mxfp8GemmEfficiency(),
                base.nvfp4GemmEfficiency(),
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
    }

    private static Fit fitFamily(List<Row> rows, double mem) {
        GpuEfficiency base =
                EfficiencyTable.forGpu(rows.get(0).inputs().cluster().gpuType());
        double best = Double.POSITIVE_INFINITY;
        String bestText = "";
        for (int g = 40; g <= 100; g++) {
            double gemm = g / 100.0;
            for (double fp8 : fp8Candidates(rows, gemm)) {
                GpuEfficiency e = with(base, gemm, fp8, mem);
                CostModel model = new CostModel(c -> e);
                List<Double> errors = new ArrayList<>();
                double sum = 0;
                for (Row row : rows) {
                    double err = Math.abs(predict(model, row) - row.measured()) / row.measured();
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

    private static double predict(CostModel model, Row row) {
        CaseInputs in = row.inputs();
        PreparedLayout p = model.prepare(in.model(), in.training(), in.cluster(), in.layout());
        return p.evaluate(in.placement()).iterationTimeSeconds();
    }

    /**
     * Least squares of {@code (measured − predicted)/measured = (x₁·c_mb + x₂·c_ckpt)/measured} over the DeepSpeed rows,
     * predicted with the table's current DeepSpeed constants subtracted out, x₁ = m + p − 1 and x₂ = x₁ · layers per
     * stage.
     */
    private static void fitDeepSpeed(List<Row> rows) {
        CostModel model = new CostModel();
        FrameworkCosts current = EfficiencyTable.forFramework(Framework.DEEPSPEED);
        double a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0;
        for (Row row : rows) {
            Layout layout = row.inputs().layout();
            double m = (double) row.inputs().training().globalBatchSequences()
                    / ((double) row.inputs().training().microBatchSequences() * layout.dp());
            double x1 = m + layout.pp() - 1;
            double x2 = x1 * row.inputs().model().layers() / layout.pp();
            double base =
                    predict(model, row) - x1 * current.microBatchSeconds() - x2 * current.checkpointedLayerSeconds();
            double y = (row.measured() - base) / row.measured();
            double u1 = x1 / row.measured();
            double u2 = x2 / row.measured();
            a11 += u1 * u1;
            a12 += u1 * u2;
            a22 += u2 * u2;
            b1 += u1 * y;
            b2 += u2 * y;
        }
        double det = a11 * a22 - a12 * a12;
        double cMb = (b1 * a22 - b2 * a12) / det;
        double cLayer = (a11 * b2 - a12 * b1) / det;
        if (cMb < 0) {
            cMb = 0;
            cLayer = b2 / a22;
        } else if (cLayer < 0) {
            cLayer = 0;
            cMb = b1 / a11;
        }
        System.out.printf(
                Locale.ROOT,
                "deepspeed: micro-batch %.4f s, checkpointed layer %.4f s on %d rows (fit with the table's GEMM levels)%n",
                cMb,
                cLayer,
                rows.size());
    }

    private static double[] fp8Candidates(List<Row> rows, double gemm) {
        boolean anyFp8 = rows.stream().anyMatch(r -> r.inputs().training().precision() == Precision.FP8);
        if (!anyFp8) {
            return new double[] {gemm};
        }
        double[] values = new double[26];
        for (int i = 0; i < values.length; i++) {
            values[i] = 0.25 + 0.02 * i;
        }
        return values;
    }
}
