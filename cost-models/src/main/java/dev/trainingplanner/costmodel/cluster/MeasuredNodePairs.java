package dev.trainingplanner.costmodel.cluster;

import java.util.Arrays;

/**
 * The measured node-pair links of a cluster, grouped by source node and sorted by destination (compressed rows). A
 * lookup scans, or bisects when there are many, the links of one source node: a node has a handful of measured links,
 * so this beats hashing the pair, and bandwidth and latency sit at the same index. O(nodes + measured links) storage.
 */
final class MeasuredNodePairs {

    /** Above this many links per node a lookup bisects instead of scanning. */
    private static final int SCAN_LIMIT = 8;

    /** Links of node n are at rowStart[n] .. rowStart[n + 1] - 1. */
    private final int[] rowStart;

    private final int[] destination;
    /** NaN where only the other quantity was measured. */
    private final double[] bandwidth;

    private final double[] latency;

    MeasuredNodePairs(int nodeCount, LongDoubleMap bandwidths, LongDoubleMap latencies) {
        long[] keys = union(bandwidths.keys(), latencies.keys());
        rowStart = new int[nodeCount + 1];
        destination = new int[keys.length];
        bandwidth = new double[keys.length];
        latency = new double[keys.length];
        // Keys are from · nodeCount + to, so sorted keys are grouped by source node and sorted by destination.
        for (int i = 0; i < keys.length; i++) {
            int from = (int) (keys[i] / nodeCount);
            destination[i] = (int) (keys[i] % nodeCount);
            bandwidth[i] = bandwidths.get(keys[i], Double.NaN);
            latency[i] = latencies.get(keys[i], Double.NaN);
            rowStart[from + 1]++;
        }
        for (int n = 0; n < nodeCount; n++) {
            rowStart[n + 1] += rowStart[n];
        }
    }

    private static long[] union(long[] a, long[] b) {
        long[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return sortedDistinct(all);
    }

    /** The values sorted, each once (sorts {@code values} in place). */
    private static long[] sortedDistinct(long[] values) {
        Arrays.sort(values);
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            if (i == 0 || values[i] != values[i - 1]) {
                values[n++] = values[i];
            }
        }
        return Arrays.copyOf(values, n);
    }

    /** Index of the measured link from {@code from} to {@code to}, or -1. */
    int find(int from, int to) {
        int low = rowStart[from];
        int high = rowStart[from + 1];
        if (high - low <= SCAN_LIMIT) {
            for (int i = low; i < high; i++) {
                if (destination[i] == to) {
                    return i;
                }
            }
            return -1;
        }
        int i = Arrays.binarySearch(destination, low, high, to);
        return i >= 0 ? i : -1;
    }

    /** Every node pair with a link measured in either direction, once, as {@code min · nodeCount + max}, sorted. */
    long[] unorderedPairs() {
        int nodeCount = rowStart.length - 1;
        long[] pairs = new long[destination.length];
        for (int from = 0; from < nodeCount; from++) {
            for (int i = rowStart[from]; i < rowStart[from + 1]; i++) {
                int to = destination[i];
                pairs[i] = (long) Math.min(from, to) * nodeCount + Math.max(from, to);
            }
        }
        return sortedDistinct(pairs);
    }

    double bandwidth(int link, double unmeasured) {
        double value = bandwidth[link];
        return Double.isNaN(value) ? unmeasured : value;
    }

    double latency(int link, double unmeasured) {
        double value = latency[link];
        return Double.isNaN(value) ? unmeasured : value;
    }
}
