package dev.trainingplanner.engine.baseline;

import dev.trainingplanner.costmodel.cluster.Cluster;

/**
 * Groups nodes that are interchangeable for the cost model: same links to every other node (both directions), same
 * GPU memory and speed, same straggler statistics and the same intra-node links.
 */
final class NodeSymmetry {

    private NodeSymmetry() {}

    /** {@code classes[node]} is the smallest index of a node interchangeable with {@code node}. */
    static int[] classes(Cluster cluster, int gpusPerNodeUsed) {
        int n = cluster.nodeCount();
        int[] classes = new int[n];
        for (int a = 0; a < n; a++) {
            classes[a] = a;
            for (int b = 0; b < a; b++) {
                if (classes[b] == b && interchangeable(cluster, a, b, gpusPerNodeUsed)) {
                    classes[a] = b;
                    break;
                }
            }
        }
        return classes;
    }

    private static boolean interchangeable(Cluster cluster, int a, int b, int g) {
        if (!cluster.straggler(a).equals(cluster.straggler(b))
                || cluster.nodeNetworkBandwidthBytesPerSecond(a) != cluster.nodeNetworkBandwidthBytesPerSecond(b)) {
            return false;
        }
        for (int i = 0; i < g; i++) {
            if (cluster.usableMemoryBytes(a, i) != cluster.usableMemoryBytes(b, i)
                    || cluster.relativeSpeed(a, i) != cluster.relativeSpeed(b, i)) {
                return false;
            }
            for (int j = 0; j < g; j++) {
                if (i != j
                        && cluster.intraBandwidthBytesPerSecond(a, i, j)
                                != cluster.intraBandwidthBytesPerSecond(b, i, j)) {
                    return false;
                }
            }
        }
        // Links: to every third node c the same; between a and b symmetric.
        if (cluster.interBandwidthBytesPerSecond(a, b) != cluster.interBandwidthBytesPerSecond(b, a)
                || cluster.interLatencySeconds(a, b) != cluster.interLatencySeconds(b, a)) {
            return false;
        }
        for (int c = 0; c < cluster.nodeCount(); c++) {
            if (c == a || c == b) {
                continue;
            }
            if (cluster.interBandwidthBytesPerSecond(a, c) != cluster.interBandwidthBytesPerSecond(b, c)
                    || cluster.interBandwidthBytesPerSecond(c, a) != cluster.interBandwidthBytesPerSecond(c, b)
                    || cluster.interLatencySeconds(a, c) != cluster.interLatencySeconds(b, c)
                    || cluster.interLatencySeconds(c, a) != cluster.interLatencySeconds(c, b)) {
                return false;
            }
        }
        return true;
    }
}
