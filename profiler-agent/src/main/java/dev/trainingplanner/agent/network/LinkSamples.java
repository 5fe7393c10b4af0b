package dev.trainingplanner.agent.network;

import dev.trainingplanner.profile.ClusterProfile.LinkProfile;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Raw results of one direction of a pair test: goodput of each repeat (Gbit/s, counted by the
 * receiver) and one-way times (RTT/2, microseconds) per message size.
 */
public record LinkSamples(List<Double> bandwidthGbps, Map<Integer, List<Double>> oneWayUsBySizeBytes) {

    public LinkSamples {
        bandwidthGbps = List.copyOf(bandwidthGbps);
        oneWayUsBySizeBytes = Map.copyOf(oneWayUsBySizeBytes);
    }

    /** The smallest message size's times: the link latency. */
    public List<Double> latencyUs() {
        int smallest = oneWayUsBySizeBytes.keySet().stream()
                .min(Integer::compare)
                .orElseThrow(() -> new IllegalStateException("no round trips measured"));
        return oneWayUsBySizeBytes.get(smallest);
    }

    /**
     * p50 of bandwidth and latency; p95 bandwidth is the low tail (reached by 95% of samples, the
     * 5th percentile) and p95 latency the high tail.
     */
    public LinkProfile toProfile(String from, String to, Instant measuredAt) {
        return new LinkProfile(
                from,
                to,
                round(Percentiles.median(bandwidthGbps)),
                round(Percentiles.median(latencyUs())),
                round(Percentiles.of(bandwidthGbps, 5)),
                round(Percentiles.of(latencyUs(), 95)),
                measuredAt.toString());
    }

    public LatencyBandwidthFit fit() {
        Map<Integer, Double> medians = new java.util.HashMap<>();
        oneWayUsBySizeBytes.forEach((size, times) -> medians.put(size, Percentiles.median(times)));
        return LatencyBandwidthFit.fit(medians);
    }

    private static double round(double value) {
        return Math.round(value * 10000.0) / 10000.0;
    }
}
