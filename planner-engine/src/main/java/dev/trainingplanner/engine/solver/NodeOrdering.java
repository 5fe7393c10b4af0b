package dev.trainingplanner.engine.solver;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.cluster.StragglerModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
     * @param domainGrouped the used nodes NVLink domain by domain, an equal share of each ({@link #domainGrouped}); the
     *     healthy packed order itself (the same array) when no NVLink domain spans nodes
     */
    public record StartOrders(int[] chained, int[] healthyPacked, int[] domainGrouped) {}

    public static StartOrders startOrders(Cluster cluster, int nodesUsed, int gpusPerNodeUsed) {
        List<Integer> byHealth = nodesByHealth(cluster, gpusPerNodeUsed);
        int[] healthyPacked = healthyPacked(nodesUsed, byHealth);
        int[] domainGrouped = domainGrouped(cluster, nodesUsed, byHealth);
        return new StartOrders(
                chained(cluster, nodesUsed, byHealth),
                healthyPacked,
                domainGrouped == null ? healthyPacked : domainGrouped);
    }

    /**
     * Consecutive ranks fill one NVLink domain before the next: Megatron-Core's rank order puts tp fastest, then cp,
     * then dp, from which ep is carved, so every TP group and every expert-parallel group is a block of consecutive
     * ranks. The used nodes come from as few domains as can hold them, an equal share of each (the healthiest of
     * each domain), so that with power-of-two group sizes no block straddles two domains: 64 of 72 GB200 trays in
     * four NVL72 domains are 16 trays of each, and an EP group of 8 or 16 trays lies inside one. Nodes without a
     * domain are domains of their own. Null where no domain spans two nodes.
     */
    static int[] domainGrouped(Cluster cluster, int nodesUsed, List<Integer> byHealth) {
        Map<String, List<Integer>> domains = new LinkedHashMap<>();
        for (int node : byHealth) {
            String domain = cluster.nvlinkDomain(node);
            domains.computeIfAbsent(domain == null ? "node:" + node : domain, d -> new ArrayList<>())
                    .add(node);
        }
        if (domains.size() == byHealth.size()) {
            return null;
        }
        // Largest domains first; among equal sizes the one with the healthiest node first (byHealth order kept).
        List<List<Integer>> groups = new ArrayList<>(domains.values());
        groups.sort(Comparator.comparingInt(g -> -g.size()));
        int needed = 0;
        int capacity = 0;
        while (capacity < nodesUsed) {
            capacity += groups.get(needed++).size();
        }
        int[] order = new int[byHealth.size()];
        boolean[] placed = new boolean[byHealth.size()];
        int position = 0;
        int left = nodesUsed;
        for (int i = 0; i < needed; i++) {
            List<Integer> group = groups.get(i);
            int share = Math.min(group.size(), (left + (needed - i) - 1) / (needed - i));
            List<Integer> taken = new ArrayList<>(group.subList(0, share));
            taken.sort(Comparator.naturalOrder());
            for (int node : taken) {
                order[position++] = node;
                placed[node] = true;
            }
            left -= share;
        }
        for (int node : byHealth) {
            if (!placed[node] && position < nodesUsed) {
                order[position++] = node;
                placed[node] = true;
            }
        }
        for (int node : byHealth) {
            if (!placed[node]) {
                order[position++] = node;
            }
        }
        return order;
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
