package dev.trainingplanner.engine.solver;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.engine.layout.LayoutCandidate;
import dev.trainingplanner.engine.layout.PlacementCostSession;
import java.util.ArrayList;
import java.util.List;

/**
 * Orders the GPUs inside each used node for a given node order (the {@link GpuOrderPhase} of the search): the GPUs
 * grouped into tensor-parallel (and tensor × context) blocks along their fastest links, kept when faster, then
 * first-improvement hill climbing over pairwise swaps of local positions; a change that would push a rank over its
 * GPU's memory is never kept (so that, for example, a tensor-parallel group lands on one NVLink island of a node whose
 * GPU pairs differ). Nodes whose measured intra-node links are all alike are skipped, so on uniform nodes this costs
 * one pass over the links and no evaluation. Deterministic.
 */
public final class GpuOrderPolish {

    private static final int MAX_PASSES = 3;

    /** The polished placement and how many nodes got a different GPU order. */
    public record Result(Placement placement, double iterationTimeSeconds, int nodesReordered) {}

    private GpuOrderPolish() {}

    public static Result polish(LayoutCandidate layout, SearchSpace space, Placement placement) {
        PlacementCostSession session = layout.start(placement);
        double best = session.iterationTimeSeconds();
        int g = placement.gpusPerNodeUsed();
        List<Integer> uneven = new ArrayList<>();
        for (int slot = 0; slot < placement.nodesUsed(); slot++) {
            if (g >= 2 && !uniform(space.cluster(), placement.nodeAt(slot), g)) {
                uneven.add(slot);
            }
        }
        boolean[] changed = new boolean[placement.nodesUsed()];
        // Island grouping on every uneven node at once: the iteration time is a maximum over groups, so reordering
        // one node alone rarely shows a gain.
        for (int block : blocks(layout, g)) {
            int[][] before = new int[placement.nodesUsed()][];
            double overflowBefore = 0;
            double overflowAfter = 0;
            for (int slot : uneven) {
                int node = placement.nodeAt(slot);
                before[slot] = currentOrder(session.placement(), slot, g);
                int[] island = islandOrder(space.cluster(), node, g, block);
                overflowBefore += overflowBytes(layout, space, slot, node, before[slot]);
                overflowAfter += overflowBytes(layout, space, slot, node, island);
                reorder(session, slot, before[slot], island);
            }
            double time = session.iterationTimeSeconds();
            if (time < best * (1 - 1e-12) && overflowAfter <= overflowBefore) {
                best = time;
                for (int slot : uneven) {
                    changed[slot] |= !java.util.Arrays.equals(before[slot], currentOrder(session.placement(), slot, g));
                }
            } else {
                for (int slot : uneven) {
                    reorder(session, slot, currentOrder(session.placement(), slot, g), before[slot]);
                }
            }
        }
        for (int slot : uneven) {
            int node = placement.nodeAt(slot);
            for (int pass = 0; pass < MAX_PASSES; pass++) {
                boolean improved = false;
                for (int a = 0; a < g; a++) {
                    for (int b = a + 1; b < g; b++) {
                        int[] order = currentOrder(session.placement(), slot, g);
                        double overflowBefore = overflowBytes(layout, space, slot, node, order);
                        session.swapGpus(slot, a, b);
                        int swap = order[a];
                        order[a] = order[b];
                        order[b] = swap;
                        double time = session.iterationTimeSeconds();
                        if (time < best * (1 - 1e-12)
                                && overflowBytes(layout, space, slot, node, order) <= overflowBefore) {
                            best = time;
                            improved = true;
                        } else {
                            session.swapGpus(slot, a, b);
                        }
                    }
                }
                changed[slot] |= improved;
                if (!improved) {
                    break;
                }
            }
        }
        int reordered = 0;
        for (boolean c : changed) {
            reordered += c ? 1 : 0;
        }
        return new Result(session.placement(), best, reordered);
    }

    /**
     * Bytes by which the ranks of position {@code slot} would exceed their GPUs' usable memory (less the headroom) with
     * the node's GPUs in {@code order}: a reorder never trades memory for speed.
     */
    private static double overflowBytes(LayoutCandidate layout, SearchSpace space, int slot, int node, int[] order) {
        double excess = 0;
        for (int local = 0; local < order.length; local++) {
            double capacity = space.cluster().usableMemoryBytes(node, order[local]) * (1 - space.headroomFraction());
            excess += Math.max(0, layout.memoryNeedBytes(slot * order.length + local) - capacity);
        }
        return excess;
    }

    /** Group sizes whose consecutive local positions form parallel groups: TP, and TP x CP. */
    private static int[] blocks(LayoutCandidate layout, int g) {
        int tp = layout.layout().tp();
        int tpCp = tp * layout.layout().cp();
        return java.util.stream.IntStream.of(tp, tpCp)
                .filter(b -> b > 1 && b < g && g % b == 0)
                .distinct()
                .toArray();
    }

    /**
     * GPUs grouped into blocks of {@code block} along the fastest links: each block starts at the lowest free GPU and
     * grows by the free GPU whose slowest link to the block is fastest (a single swap rarely helps, since a group that
     * straddles two islands stays as slow until every member has moved).
     */
    static int[] islandOrder(Cluster cluster, int node, int g, int block) {
        boolean[] taken = new boolean[g];
        int[] order = new int[g];
        int position = 0;
        while (position < g) {
            int seed = 0;
            while (taken[seed]) {
                seed++;
            }
            taken[seed] = true;
            int groupStart = position;
            order[position++] = seed;
            while (position - groupStart < block) {
                int best = -1;
                double bestLink = -1;
                for (int x = 0; x < g; x++) {
                    if (taken[x]) {
                        continue;
                    }
                    double slowest = Double.MAX_VALUE;
                    for (int m = groupStart; m < position; m++) {
                        slowest = Math.min(
                                slowest,
                                Math.min(
                                        cluster.intraBandwidthBytesPerSecond(node, x, order[m]),
                                        cluster.intraBandwidthBytesPerSecond(node, order[m], x)));
                    }
                    if (slowest > bestLink) {
                        best = x;
                        bestLink = slowest;
                    }
                }
                taken[best] = true;
                order[position++] = best;
            }
        }
        return order;
    }

    private static int[] currentOrder(Placement placement, int slot, int g) {
        int[] order = new int[g];
        for (int local = 0; local < g; local++) {
            order[local] = placement.gpuAt(slot, local);
        }
        return order;
    }

    /** Swaps local positions until the slot's GPU order is {@code target}. */
    private static void reorder(PlacementCostSession session, int slot, int[] current, int[] target) {
        GpuOrders.swapInto(current.clone(), target, (a, b) -> session.swapGpus(slot, a, b));
    }

    /** Whether every ordered GPU pair of the node has the same bandwidth and latency. */
    static boolean uniform(Cluster cluster, int node, int g) {
        double bandwidth = cluster.intraBandwidthBytesPerSecond(node, 0, 1);
        double latency = cluster.intraLatencySeconds(node, 0, 1);
        double speed = cluster.relativeSpeed(node, 0);
        for (int a = 0; a < g; a++) {
            if (cluster.relativeSpeed(node, a) != speed) {
                return false;
            }
            for (int b = 0; b < g; b++) {
                if (a != b
                        && (cluster.intraBandwidthBytesPerSecond(node, a, b) != bandwidth
                                || cluster.intraLatencySeconds(node, a, b) != latency)) {
                    return false;
                }
            }
        }
        return true;
    }
}
