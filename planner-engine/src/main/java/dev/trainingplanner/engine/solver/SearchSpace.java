package dev.trainingplanner.engine.solver;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.placement.Placement;

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
}
