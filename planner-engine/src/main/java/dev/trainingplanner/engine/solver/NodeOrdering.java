package dev.trainingplanner.engine.solver;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.cluster.StragglerModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The construction's node order: the healthiest nodes are used (mean link bandwidth to the others, GPU speed,
 * expected straggler slowdown), spare nodes are the least healthy, and the used nodes are chained greedily along their
 * fastest links so that neighbouring positions (pipeline neighbours, data-parallel rings) start on good links.
 */
public final class NodeOrdering {

    private NodeOrdering() {}

    /**
     * Both start orders of the construction, from one ranking by health (see {@link Cluster#meanPairBandwidthBytesPerSecond()}):
     *
     * @param chained the used nodes first, chained greedily along their fastest links from the healthiest, then the
     *     spares from most to least healthy
     * @param healthyPacked the healthiest nodes in index order, then the spares from most to least healthy
     */
    public record StartOrders(int[] chained, int[] healthyPacked) {}

    public static StartOrders startOrders(Cluster cluster, int nodesUsed, int gpusPerNodeUsed) {
        List<Integer> byHealth = nodesByHealth(cluster, gpusPerNodeUsed);
        return new StartOrders(chained(cluster, nodesUsed, byHealth), healthyPacked(nodesUsed, byHealth));
    }

    private static List<Integer> nodesByHealth(Cluster cluster, int gpusPerNodeUsed) {
        double[] health = health(cluster, gpusPerNodeUsed);
        List<Integer> byHealth = new ArrayList<>(health.length);
        for (int i = 0; i < health.length; i++) {
            byHealth.add(i);
        }
        byHealth.sort(Comparator.<Integer>comparingDouble(i -> -health[i]).thenComparingInt(i -> i));
        return byHealth;
    }

    private static int[] chained(Cluster cluster, int nodesUsed, List<Integer> byHealth) {
        int n = byHealth.size();
        List<Integer> chosen = new ArrayList<>(byHealth.subList(0, nodesUsed));
        chosen.sort(Comparator.naturalOrder());
        int[] order = new int[n];
        boolean[] placed = new boolean[n];
        int current = byHealth.get(0);
        order[0] = current;
        placed[current] = true;
        for (int position = 1; position < nodesUsed; position++) {
            int best = -1;
            double bestBandwidth = -1;
            for (int candidate : chosen) {
                if (placed[candidate]) {
                    continue;
                }
                double bandwidth = pairBandwidth(cluster, current, candidate);
                if (bandwidth > bestBandwidth * (1 + 1e-9)) {
                    best = candidate;
                    bestBandwidth = bandwidth;
                }
            }
            order[position] = best;
            placed[best] = true;
            current = best;
        }
        int position = nodesUsed;
        for (int node : byHealth) {
            if (!placed[node]) {
                order[position++] = node;
            }
        }
        return order;
    }

    private static int[] healthyPacked(int nodesUsed, List<Integer> byHealth) {
        int n = byHealth.size();
        List<Integer> used = new ArrayList<>(byHealth.subList(0, nodesUsed));
        used.sort(Comparator.naturalOrder());
        int[] order = new int[n];
        for (int i = 0; i < nodesUsed; i++) {
            order[i] = used.get(i);
        }
        for (int i = nodesUsed; i < n; i++) {
            order[i] = byHealth.get(i);
        }
        return order;
    }

    /** Higher is healthier: mean bandwidth to the other nodes × slowest GPU speed / expected straggler slowdown. */
    static double[] health(Cluster cluster, int gpusPerNodeUsed) {
        int n = cluster.nodeCount();
        double[] meanBandwidth = cluster.meanPairBandwidthBytesPerSecond();
        double[] health = new double[n];
        for (int a = 0; a < n; a++) {
            double speed = Double.MAX_VALUE;
            for (int g = 0; g < gpusPerNodeUsed; g++) {
                speed = Math.min(speed, cluster.relativeSpeed(a, g));
            }
            health[a] = meanBandwidth[a] * speed / expectedSlowdown(cluster.straggler(a));
        }
        return health;
    }

    private static double expectedSlowdown(StragglerModel model) {
        if (model.isNone()) {
            return 1.0;
        }
        return switch (model.kind()) {
            case NONE -> 1.0;
            case BERNOULLI -> 1 + model.probability() * (model.slowdown() - 1);
                // Shifted exponential: E[a + Exp(μ)] = a + 1/μ (cost-models.md §8.3 (b)).
            case SHIFTED_EXPONENTIAL -> model.shift() + 1 / model.rate();
        };
    }

    private static double pairBandwidth(Cluster cluster, int a, int b) {
        return Math.min(cluster.interBandwidthBytesPerSecond(a, b), cluster.interBandwidthBytesPerSecond(b, a));
    }
}
