package dev.trainingplanner.agent.network;

import java.util.Map;

/**
 * Least-squares fit of the alpha-beta (Hockney) model t(s) = alpha + s / beta to one-way message
 * times at several sizes (cost-models.md, communication cost): alpha is the latency, beta the
 * bandwidth seen by a single message stream.
 */
public record LatencyBandwidthFit(double alphaUs, double betaGbps) {

    /** Fits median one-way times (microseconds) per message size (bytes); needs two or more sizes. */
    public static LatencyBandwidthFit fit(Map<Integer, Double> oneWayUsBySizeBytes) {
        int n = oneWayUsBySizeBytes.size();
        if (n < 2) {
            throw new IllegalArgumentException("an alpha-beta fit needs at least two message sizes");
        }
        double meanSize = 0;
        double meanTime = 0;
        for (Map.Entry<Integer, Double> sample : oneWayUsBySizeBytes.entrySet()) {
            meanSize += sample.getKey();
            meanTime += sample.getValue();
        }
        meanSize /= n;
        meanTime /= n;
        double covariance = 0;
        double variance = 0;
        for (Map.Entry<Integer, Double> sample : oneWayUsBySizeBytes.entrySet()) {
            covariance += (sample.getKey() - meanSize) * (sample.getValue() - meanTime);
            variance += (sample.getKey() - meanSize) * (sample.getKey() - meanSize);
        }
        double microsecondsPerByte = covariance / variance;
        double alphaUs = meanTime - microsecondsPerByte * meanSize;
        // bytes/us -> bits/s: x 8e6; to Gbit/s: / 1e9.
        double betaGbps = microsecondsPerByte > 0 ? 8e-3 / microsecondsPerByte : Double.POSITIVE_INFINITY;
        return new LatencyBandwidthFit(alphaUs, betaGbps);
    }
}
