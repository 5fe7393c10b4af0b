package dev.trainingplanner.agent.compute;

import java.util.Arrays;
import java.util.List;

/**
 * Summarises repeated round times in the Bernoulli slow-worker model of cost-models.md §8 (a): a
 * round is slow when it takes more than {@code threshold} times the median; {@code slowProbability}
 * is the share of slow rounds and {@code slowdown} their mean time relative to the median (1.0 when
 * no round was slow).
 */
public record StragglerStatistics(double medianSeconds, double slowProbability, double slowdown) {

    public static StragglerStatistics of(List<Double> roundSeconds, double threshold) {
        if (roundSeconds.isEmpty()) {
            throw new IllegalArgumentException("no compute rounds measured");
        }
        double[] sorted = roundSeconds.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        double median = sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        int slow = 0;
        double slowRatios = 0;
        for (double seconds : roundSeconds) {
            double ratio = seconds / median;
            if (ratio > threshold) {
                slow++;
                slowRatios += ratio;
            }
        }
        return new StragglerStatistics(
                median, (double) slow / roundSeconds.size(), slow == 0 ? 1.0 : slowRatios / slow);
    }
}
