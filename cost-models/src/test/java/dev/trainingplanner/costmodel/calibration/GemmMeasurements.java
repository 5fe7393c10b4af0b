package dev.trainingplanner.costmodel.calibration;

import dev.trainingplanner.costmodel.batch.CsvTable;
import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import dev.trainingplanner.costmodel.cluster.GpuType;
import dev.trainingplanner.costmodel.compute.GemmShape;
import dev.trainingplanner.costmodel.compute.GemmTimeModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The A100 and H100 sweeps of the repository's {@code calibration/kernels/gemm_measurements.csv} (sources G1a–e, G2
 * and G5; see the kernels README for how each times), grouped into source sweeps.
 *
 * <p>A <b>source sweep</b> is the set of rows that share the source id and everything but the one shape parameter the
 * source sweeps: G1a m = n (reduction 4096); G1b and G1c the output width n; G1d ("bsweep") the batch count, one sweep
 * per cube size; G1e ("msweep") m = n, one sweep per batch count; G2 the hidden size, one sweep per GEMM of the layer
 * (QKV, projection, MLP up, MLP down, QK^T, AV); G5 the reduction dimension.
 */
final class GemmMeasurements {

    record Row(String source, String sweep, GpuType gpu, GemmShape shape, double measuredSeconds) {

        double measuredFlopsPerSecond() {
            return shape.flops() / measuredSeconds;
        }
    }

    /** The benchmark names of the two GPU types whose sweeps are used, as catalog types. */
    private static final Map<String, String> GPU_TYPES = Map.of("A100", "A100-80GB", "H100", "H100-80GB");

    private GemmMeasurements() {}

    /** Every fp16 row of G1a–e, G2 and G5, in file order. */
    static List<Row> sweeps() {
        CsvTable table;
        try {
            table = CsvTable.parse(Files.readString(
                    CalibrationCases.calibrationDirectory().resolve("kernels").resolve("gemm_measurements.csv")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Row> rows = new ArrayList<>();
        for (Map<String, String> r : table.rows()) {
            String source = r.get("source_id");
            String gpu = GPU_TYPES.get(r.get("gpu"));
            boolean swept = source.startsWith("G1") || source.equals("G2") || source.equals("G5");
            if (!swept || gpu == null || !"fp16".equals(r.get("dtype"))) {
                continue;
            }
            GemmShape shape = new GemmShape(
                    Long.parseLong(r.get("m")),
                    Long.parseLong(r.get("n")),
                    Long.parseLong(r.get("k")),
                    Long.parseLong(r.get("batch")));
            double seconds = shape.flops() / (Double.parseDouble(r.get("tflops")) * 1e12);
            rows.add(new Row(source, sweep(source, shape, r.get("notes")), GpuCatalog.byName(gpu), shape, seconds));
        }
        return rows;
    }

    private static String sweep(String source, GemmShape shape, String notes) {
        return switch (source) {
            case "G1d" -> source + " cube " + shape.m();
            case "G1e" -> source + " batch " + shape.batch();
            case "G2" -> source + " " + notes.split("[ ;]", 2)[0];
            default -> source;
        };
    }

    /** The rows grouped by sweep, in order of first appearance. */
    static Map<String, List<Row>> bySweep(List<Row> rows) {
        Map<String, List<Row>> sweeps = new LinkedHashMap<>();
        rows.forEach(
                r -> sweeps.computeIfAbsent(r.sweep(), s -> new ArrayList<>()).add(r));
        return sweeps;
    }

    /** {@code |predicted − measured| / measured} of each row's time. */
    static double[] relativeErrors(List<Row> rows, Function<Row, GemmTimeModel> models) {
        return rows.stream()
                .mapToDouble(
                        r -> Math.abs(models.apply(r).seconds(r.shape()) - r.measuredSeconds()) / r.measuredSeconds())
                .toArray();
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Spearman's rank correlation: Pearson's correlation of the ranks, tied values sharing their mean rank. */
    static double spearman(double[] a, double[] b) {
        double[] ra = ranks(a);
        double[] rb = ranks(b);
        double meanA = Arrays.stream(ra).average().orElseThrow();
        double meanB = Arrays.stream(rb).average().orElseThrow();
        double cov = 0;
        double varA = 0;
        double varB = 0;
        for (int i = 0; i < ra.length; i++) {
            cov += (ra[i] - meanA) * (rb[i] - meanB);
            varA += (ra[i] - meanA) * (ra[i] - meanA);
            varB += (rb[i] - meanB) * (rb[i] - meanB);
        }
        return cov / Math.sqrt(varA * varB);
    }

    private static double[] ranks(double[] values) {
        Integer[] order = new Integer[values.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[values.length];
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            for (int t = i; t <= j; t++) {
                ranks[order[t]] = (i + j) / 2.0 + 1;
            }
            i = j + 1;
        }
        return ranks;
    }
}
