package dev.trainingplanner.agent.network;

import java.util.Arrays;
import java.util.List;

/** Percentiles by linear interpolation between the closest ranks. */
public final class Percentiles {

    private Percentiles() {}

    public static double of(List<Double> samples, double percentile) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        double[] sorted = samples.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        double rank = percentile / 100.0 * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = (int) Math.ceil(rank);
        return sorted[below] + (sorted[above] - sorted[below]) * (rank - below);
    }

    public static double median(List<Double> samples) {
        return of(samples, 50);
    }
}
