package dev.trainingplanner.costmodel.calibration;

import dev.trainingplanner.costmodel.compute.GemmKernelParameters;
import dev.trainingplanner.costmodel.compute.GemmTimeModel;
import dev.trainingplanner.costmodel.training.Precision;
import java.util.List;
import java.util.Locale;

/**
 * The fit behind {@code compute.GemmKernelTable}: coordinate descent over grids of the six A100 constants, minimising
 * median + mean relative time error on the A100 rows of G1a–e and G2, then the H100 ceiling alone on the G5 rows (six
 * rows of one 4096×4096 output cannot separate more). Prints the best values; run on demand.
 */
public final class GemmShapeFit {

    private GemmShapeFit() {}

    /** Grid of each constant, in the order of {@link GemmKernelParameters}' components. */
    private static final double[][] GRIDS = {
        grid(0.30, 1.00, 0.01),
        grid(0, 80, 2),
        grid(0, 256, 8),
        grid(0.30, 1.00, 0.01),
        grid(0, 60, 1),
        grid(0.30, 1.00, 0.01),
        grid(0.10, 1.00, 0.01)
    };

    public static void main(String[] args) {
        List<GemmMeasurements.Row> rows = GemmMeasurements.sweeps();
        List<GemmMeasurements.Row> a100 =
                rows.stream().filter(r -> r.gpu().name().startsWith("A100")).toList();
        List<GemmMeasurements.Row> h100 =
                rows.stream().filter(r -> r.gpu().name().startsWith("H100")).toList();
        double[] best = {0.80, 20, 0, 0.60, 25, 0.70, 0.40};
        double bestScore = score(a100, best);
        boolean improved = true;
        while (improved) {
            improved = false;
            for (int p = 0; p < best.length; p++) {
                for (double value : GRIDS[p]) {
                    double[] trial = best.clone();
                    trial[p] = value;
                    if (trial[6] > trial[5]) {
                        continue;
                    }
                    double s = score(a100, trial);
                    if (s < bestScore - 1e-12) {
                        bestScore = s;
                        best = trial;
                        improved = true;
                    }
                }
            }
        }
        print("A100", a100, best);
        double[] h100Best = best.clone();
        double h100Score = Double.POSITIVE_INFINITY;
        for (double ceiling : GRIDS[0]) {
            double[] trial = best.clone();
            trial[0] = ceiling;
            double s = score(h100, trial);
            if (s < h100Score) {
                h100Score = s;
                h100Best = trial;
            }
        }
        print("H100", h100, h100Best);
    }

    private static double score(List<GemmMeasurements.Row> rows, double[] values) {
        double[] errors = errors(rows, values);
        double mean = java.util.Arrays.stream(errors).average().orElseThrow();
        return GemmMeasurements.median(errors) + mean;
    }

    private static double[] errors(List<GemmMeasurements.Row> rows, double[] values) {
        GemmKernelParameters parameters = new GemmKernelParameters(
                values[0], values[1], values[2], values[3], values[4], values[5], values[6], "fit");
        GemmTimeModel model = new GemmTimeModel(rows.get(0).gpu(), Precision.FP16, parameters);
        return GemmMeasurements.relativeErrors(rows, r -> model);
    }

    private static void print(String gpu, List<GemmMeasurements.Row> rows, double[] values) {
        double[] errors = errors(rows, values);
        System.out.printf(
                Locale.ROOT,
                "%s: maxEfficiency %.2f tileHalfIntensity %.0f tileOverhead %.0f hbmEfficiency %.2f launch %.0f us partial %.2f narrow %.2f"
                        + " -> median %.1f%% mean %.1f%% on %d rows%n",
                gpu,
                values[0],
                values[1],
                values[2],
                values[3],
                values[4],
                values[5],
                values[6],
                100 * GemmMeasurements.median(errors),
                100 * java.util.Arrays.stream(errors).average().orElseThrow(),
                errors.length);
    }

    private static double[] grid(double from, double to, double step) {
        int n = (int) Math.round((to - from) / step) + 1;
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = from + i * step;
        }
        return values;
    }
}
