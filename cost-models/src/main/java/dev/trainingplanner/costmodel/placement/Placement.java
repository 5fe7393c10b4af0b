package dev.trainingplanner.costmodel.placement;

import static dev.trainingplanner.costmodel.InvalidInputException.positive;
import static dev.trainingplanner.costmodel.InvalidInputException.require;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.cluster.Cluster;
import java.util.Arrays;

/**
 * Where every global rank runs, in the form a launcher can express: an ordered list of the nodes used (g GPUs used on
 * each) and, per used node, the order of its GPUs. Rank r runs on node {@code nodeOrder[r / g]} at local GPU {@code
 * gpuOrder[r / g][r % g]} (torchrun numbering). Immutable; the swap methods return new placements.
 */
public final class Placement {

    private final int[] nodeOrder;
    private final int[][] gpuOrder;
    private final int gpusPerNodeUsed;
    /** The last cluster this placement was checked against (a benign race: at worst the check runs again). */
    private volatile Cluster validatedFor;

    private Placement(int[] nodeOrder, int[][] gpuOrder, int gpusPerNodeUsed) {
        this.nodeOrder = nodeOrder;
        this.gpuOrder = gpuOrder;
        this.gpusPerNodeUsed = gpusPerNodeUsed;
    }

    /**
     * A placement from explicit orders; every node must be used once and every per-node GPU order must list distinct
     * GPUs of the same length.
     */
    public static Placement of(int[] nodeOrder, int[][] gpuOrder) {
        require(nodeOrder != null && nodeOrder.length > 0, "placement needs at least one node");
        require(
                gpuOrder != null && gpuOrder.length == nodeOrder.length,
                "placement needs one GPU order per used node (" + nodeOrder.length + ")");
        int g = gpuOrder[0] == null ? 0 : gpuOrder[0].length;
        positive("GPUs used per node", g);
        int[][] copy = new int[gpuOrder.length][];
        for (int i = 0; i < gpuOrder.length; i++) {
            require(
                    gpuOrder[i] != null && gpuOrder[i].length == g,
                    "every used node must use the same number of GPUs (" + g + "); slot " + i + " differs");
            copy[i] = gpuOrder[i].clone();
            for (int a = 0; a < g; a++) {
                require(copy[i][a] >= 0, "GPU index must be at least 0 at slot " + i + ", got " + copy[i][a]);
                for (int b = 0; b < a; b++) {
                    require(copy[i][a] != copy[i][b], "GPU " + copy[i][a] + " is used twice on node slot " + i);
                }
            }
        }
        int[] nodes = nodeOrder.clone();
        int[] sorted = nodes.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            require(sorted[i] >= 0, "node index must be at least 0, got " + sorted[i]);
            require(i == 0 || sorted[i] != sorted[i - 1], "node " + sorted[i] + " is used twice in the placement");
        }
        return new Placement(nodes, copy, g);
    }

    /** Ranks packed by node: nodes 0..nodesUsed-1 in order, GPUs 0..g-1 in order on each. */
    public static Placement packed(Cluster cluster, int nodesUsed, int gpusPerNodeUsed) {
        positive("nodes used", nodesUsed);
        positive("GPUs used per node", gpusPerNodeUsed);
        require(
                nodesUsed <= cluster.nodeCount(),
                "placement uses " + nodesUsed + " nodes but the cluster has " + cluster.nodeCount());
        require(
                gpusPerNodeUsed <= cluster.gpusPerNode(),
                "placement uses " + gpusPerNodeUsed + " GPUs per node but nodes have " + cluster.gpusPerNode());
        int[] nodes = new int[nodesUsed];
        int[][] gpus = new int[nodesUsed][gpusPerNodeUsed];
        for (int i = 0; i < nodesUsed; i++) {
            nodes[i] = i;
            for (int j = 0; j < gpusPerNodeUsed; j++) {
                gpus[i][j] = j;
            }
        }
        return new Placement(nodes, gpus, gpusPerNodeUsed);
    }

    /** The packed placement of {@code worldSize} ranks: whole nodes first, then fewer GPUs on one node if it fits. */
    public static Placement packed(Cluster cluster, int worldSize) {
        positive("world size", worldSize);
        int g = cluster.gpusPerNode();
        if (worldSize < g) {
            return packed(cluster, 1, worldSize);
        }
        require(worldSize % g == 0, "world size " + worldSize + " is not a multiple of " + g + " GPUs per node");
        return packed(cluster, worldSize / g, g);
    }

    public int nodesUsed() {
        return nodeOrder.length;
    }

    public int gpusPerNodeUsed() {
        return gpusPerNodeUsed;
    }

    public int worldSize() {
        return nodeOrder.length * gpusPerNodeUsed;
    }

    /** Cluster node of global {@code rank}. */
    public int node(int rank) {
        return nodeOrder[rank / gpusPerNodeUsed];
    }

    /** Local GPU of global {@code rank} on its node. */
    public int localGpu(int rank) {
        return gpuOrder[rank / gpusPerNodeUsed][rank % gpusPerNodeUsed];
    }

    /** Cluster node at position {@code slot} of the node order. */
    public int nodeAt(int slot) {
        return nodeOrder[slot];
    }

    /** Local GPU at position {@code local} of slot {@code slot}'s GPU order. */
    public int gpuAt(int slot, int local) {
        return gpuOrder[slot][local];
    }

    public int[] nodeOrder() {
        return nodeOrder.clone();
    }

    public int[][] gpuOrder() {
        int[][] copy = new int[gpuOrder.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = gpuOrder[i].clone();
        }
        return copy;
    }

    public Placement withNodesSwapped(int slotA, int slotB) {
        int[] nodes = nodeOrder.clone();
        int[][] gpus = gpuOrder.clone();
        nodes[slotA] = nodeOrder[slotB];
        nodes[slotB] = nodeOrder[slotA];
        gpus[slotA] = gpuOrder[slotB];
        gpus[slotB] = gpuOrder[slotA];
        return new Placement(nodes, gpus, gpusPerNodeUsed);
    }

    public Placement withGpusSwapped(int slot, int localA, int localB) {
        int[][] gpus = gpuOrder.clone();
        gpus[slot] = gpuOrder[slot].clone();
        gpus[slot][localA] = gpuOrder[slot][localB];
        gpus[slot][localB] = gpuOrder[slot][localA];
        return new Placement(nodeOrder, gpus, gpusPerNodeUsed);
    }

    /** Checks that every node and GPU exists in {@code cluster}. */
    public void requireFits(Cluster cluster) {
        if (validatedFor == cluster) {
            return;
        }
        for (int i = 0; i < nodeOrder.length; i++) {
            if (nodeOrder[i] >= cluster.nodeCount()) {
                throw new InvalidInputException("placement uses node " + nodeOrder[i] + " but the cluster has nodes 0.."
                        + (cluster.nodeCount() - 1));
            }
            for (int gpu : gpuOrder[i]) {
                if (gpu >= cluster.gpusPerNode()) {
                    throw new InvalidInputException("placement uses GPU " + gpu + " on node " + nodeOrder[i]
                            + " but nodes have GPUs 0.." + (cluster.gpusPerNode() - 1));
                }
            }
        }
        validatedFor = cluster;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Placement p
                && Arrays.equals(nodeOrder, p.nodeOrder)
                && Arrays.deepEquals(gpuOrder, p.gpuOrder);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(nodeOrder) + Arrays.deepHashCode(gpuOrder);
    }

    @Override
    public String toString() {
        return "Placement{nodes=" + Arrays.toString(nodeOrder) + ", gpus=" + Arrays.deepToString(gpuOrder) + "}";
    }
}
