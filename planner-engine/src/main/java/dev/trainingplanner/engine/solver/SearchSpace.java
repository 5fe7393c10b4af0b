package dev.trainingplanner.engine.solver;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.placement.Placement;
import java.util.HashMap;
import java.util.Map;

/**
 * The fixed shape of the placement: how many nodes are used, how many GPUs on each, and the memory headroom.
 *
 * @param headroomFraction fraction of every GPU's usable memory that must stay free
 */
public record SearchSpace(Cluster cluster, int nodesUsed, int gpusPerNodeUsed, double headroomFraction) {

    /** A placement of the given node order with each node's GPUs in index order. */
    public Placement placement(int[] nodeOrder) {
        int[][] gpus = new int[nodeOrder.length][gpusPerNodeUsed];
        for (int[] row : gpus) {
            for (int g = 0; g < gpusPerNodeUsed; g++) {
                row[g] = g;
            }
        }
        return Placement.of(nodeOrder, gpus);
    }

    /**
     * GPUs a group of consecutive ranks can span without leaving NVLink: the used GPUs of a node times the nodes of the
     * smallest NVLink domain of the cluster (a node outside any domain is a domain of one), so that a TP group of
     * this size fits in one domain wherever the placement puts it.
     */
    public int nvlinkIslandGpus() {
        Map<String, Integer> nodesPerDomain = new HashMap<>();
        boolean nodeWithoutDomain = false;
        for (int node = 0; node < cluster.nodeCount(); node++) {
            String domain = cluster.nvlinkDomain(node);
            if (domain == null) {
                nodeWithoutDomain = true;
            } else {
                nodesPerDomain.merge(domain, 1, Integer::sum);
            }
        }
        int smallest = nodeWithoutDomain
                ? 1
                : nodesPerDomain.values().stream()
                        .mapToInt(Integer::intValue)
                        .min()
                        .orElse(1);
        return gpusPerNodeUsed * smallest;
    }
}
