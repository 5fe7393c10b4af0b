package dev.trainingplanner.engine.solver;

import ai.timefold.solver.core.api.score.buildin.hardsoftlong.HardSoftLongScore;
import ai.timefold.solver.core.api.score.calculator.IncrementalScoreCalculator;
import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.engine.layout.LayoutCandidate;
import dev.trainingplanner.engine.layout.PlacementCostSession;
import java.util.Arrays;

/**
 * Incremental score of a {@link PlacementSolution}, backed by the cost model's placement session: a node swap
 * re-evaluates only the parallel groups that contain the two nodes, a GPU swap inside a node only the groups of its
 * two ranks, a layout change restarts the session (O(GPUs)).
 *
 * <ul>
 *   <li>Hard: minus the MiB by which ranks exceed their GPU's usable memory less the headroom, and minus 10^6 per
 *       node used twice or node whose GPU positions do not hold a permutation.
 *   <li>Soft: minus the predicted iteration time in microseconds.
 * </ul>
 */
public class PlacementScoreCalculator implements IncrementalScoreCalculator<PlacementSolution, HardSoftLongScore> {

    static final long DUPLICATE_NODE_PENALTY = 1_000_000L;
    private static final double MIB = 1024.0 * 1024.0;

    private PlacementSolution solution;
    private LayoutCandidate sessionLayout;
    private PlacementCostSession session;
    private int[] sessionNodeAtSlot;
    private int[] sessionSlotOfNode;
    /** The GPU order of every node as the session has it (index order for nodes whose order is fixed). */
    private int[][] sessionGpuOrder;

    private int[] dirtyGpuNodes;
    private int dirtyGpuCount;
    private boolean[] dirtyGpuFlags = new boolean[0];
    private long[] overflowMibAtSlot;
    private long overflowMib;
    private boolean rebuild;
    private int[] dirtyList;
    private int dirtyCount;

    private boolean[] dirtyFlags = new boolean[0];

    @Override
    public void resetWorkingSolution(PlacementSolution workingSolution) {
        solution = workingSolution;
        int used = workingSolution.getSpace().nodesUsed();
        dirtyFlags = new boolean[used];
        dirtyList = new int[used];
        dirtyCount = 0;
        int nodes = workingSolution.getSpace().cluster().nodeCount();
        dirtyGpuFlags = new boolean[nodes];
        dirtyGpuNodes = new int[nodes];
        dirtyGpuCount = 0;
        rebuild = true;
    }

    @Override
    public void beforeEntityAdded(Object entity) {}

    @Override
    public void afterEntityAdded(Object entity) {
        rebuild = true;
    }

    @Override
    public void beforeVariableChanged(Object entity, String variableName) {}

    @Override
    public void afterVariableChanged(Object entity, String variableName) {
        if (entity instanceof GpuPosition position) {
            int node = position.getNode().index();
            if (!rebuild && !dirtyGpuFlags[node]) {
                dirtyGpuFlags[node] = true;
                dirtyGpuNodes[dirtyGpuCount++] = node;
            }
        } else if (entity instanceof NodeSlot slot) {
            if (slot.isUsed() && !rebuild) {
                int position = slot.getPosition();
                if (!dirtyFlags[position]) {
                    dirtyFlags[position] = true;
                    dirtyList[dirtyCount++] = position;
                }
            }
        } else {
            rebuild = true;
        }
    }

    @Override
    public void beforeEntityRemoved(Object entity) {}

    @Override
    public void afterEntityRemoved(Object entity) {
        rebuild = true;
    }

    @Override
    public HardSoftLongScore calculateScore() {
        LayoutCandidate layout = solution.getLayoutSelection().getLayout();
        if (layout == null) {
            return HardSoftLongScore.ZERO;
        }
        if (rebuild || layout != sessionLayout) {
            if (!restart(layout)) {
                return HardSoftLongScore.ZERO;
            }
        } else if (!applyDirtySlots() || !applyDirtyGpuOrders()) {
            return HardSoftLongScore.ZERO;
        }
        if (session == null) {
            return HardSoftLongScore.of(-DUPLICATE_NODE_PENALTY * duplicates(), 0);
        }
        long timeMicros = Math.round(session.iterationTimeSeconds() * 1e6);
        return HardSoftLongScore.of(-overflowMib, -timeMicros);
    }

    private boolean restart(LayoutCandidate layout) {
        clearDirty();
        int[] order = solution.usedNodeOrder();
        int[][] gpuOrders = gpuOrdersOfAllNodes();
        if (order == null || gpuOrders == null) {
            return false;
        }
        rebuild = false;
        sessionLayout = layout;
        sessionGpuOrder = gpuOrders;
        int nodeCount = solution.getSpace().cluster().nodeCount();
        sessionSlotOfNode = new int[nodeCount];
        Arrays.fill(sessionSlotOfNode, -1);
        sessionNodeAtSlot = order.clone();
        boolean duplicate = false;
        for (int slot = 0; slot < order.length; slot++) {
            duplicate |= sessionSlotOfNode[order[slot]] >= 0;
            sessionSlotOfNode[order[slot]] = slot;
        }
        for (int[] gpus : gpuOrders) {
            duplicate |= !isPermutation(gpus);
        }
        if (duplicate) {
            session = null;
            rebuild = true;
            return true;
        }
        int[][] gpus = new int[order.length][];
        for (int slot = 0; slot < order.length; slot++) {
            gpus[slot] = gpuOrders[order[slot]];
        }
        session = layout.start(Placement.of(order, gpus));
        overflowMibAtSlot = new long[order.length];
        overflowMib = 0;
        for (int slot = 0; slot < order.length; slot++) {
            overflowMibAtSlot[slot] = overflowMib(layout, slot, order[slot]);
            overflowMib += overflowMibAtSlot[slot];
        }
        return true;
    }

    /**
     * Every node's GPU order; nodes whose order is fixed share one index-order array, which is never changed in place
     * (only nodes with GPU positions become dirty). Null while a GPU position is unassigned.
     */
    private int[][] gpuOrdersOfAllNodes() {
        int nodeCount = solution.getSpace().cluster().nodeCount();
        int g = solution.getSpace().gpusPerNodeUsed();
        int[] indexOrder = new int[g];
        for (int local = 0; local < g; local++) {
            indexOrder[local] = local;
        }
        int[][] orders = new int[nodeCount][];
        for (int node = 0; node < nodeCount; node++) {
            orders[node] = solution.hasGpuOrder(node) ? solution.gpuOrder(node) : indexOrder;
            if (orders[node] == null) {
                return null;
            }
        }
        return orders;
    }

    private boolean applyDirtySlots() {
        for (int i = 0; i < dirtyCount; i++) {
            int slot = dirtyList[i];
            dirtyFlags[slot] = false;
            ClusterNode target = solution.getSlots().get(slot).getNode();
            if (target == null) {
                clearDirty();
                rebuild = true;
                return false;
            }
            if (sessionNodeAtSlot[slot] == target.index()) {
                continue;
            }
            int other = sessionSlotOfNode[target.index()];
            if (other < 0) {
                // A spare node enters the placement: the session has no replace operation, so restart it.
                clearDirty();
                return restart(sessionLayout);
            }
            session.swapNodes(slot, other);
            int previous = sessionNodeAtSlot[slot];
            sessionNodeAtSlot[other] = previous;
            sessionNodeAtSlot[slot] = target.index();
            sessionSlotOfNode[previous] = other;
            sessionSlotOfNode[target.index()] = slot;
            updateOverflow(slot);
            updateOverflow(other);
        }
        dirtyCount = 0;
        return true;
    }

    /** Brings the session's GPU order of every changed node that hosts ranks to the solution's, swap by swap. */
    private boolean applyDirtyGpuOrders() {
        for (int i = 0; i < dirtyGpuCount; i++) {
            int node = dirtyGpuNodes[i];
            dirtyGpuFlags[node] = false;
            int[] target = solution.gpuOrder(node);
            if (target == null || !isPermutation(target)) {
                return restart(sessionLayout);
            }
            int slot = sessionSlotOfNode[node];
            if (slot >= 0) {
                GpuOrders.swapInto(sessionGpuOrder[node], target, (a, b) -> session.swapGpus(slot, a, b));
                updateOverflow(slot);
            } else {
                // A spare node: no ranks to re-price, its order is read when it enters the placement.
                sessionGpuOrder[node] = target;
            }
        }
        dirtyGpuCount = 0;
        return true;
    }

    private static boolean isPermutation(int[] order) {
        boolean[] seen = new boolean[order.length];
        for (int gpu : order) {
            if (gpu < 0 || gpu >= order.length || seen[gpu]) {
                return false;
            }
            seen[gpu] = true;
        }
        return true;
    }

    private void updateOverflow(int slot) {
        long now = overflowMib(sessionLayout, slot, sessionNodeAtSlot[slot]);
        overflowMib += now - overflowMibAtSlot[slot];
        overflowMibAtSlot[slot] = now;
    }

    private long overflowMib(LayoutCandidate layout, int slot, int node) {
        SearchSpace space = solution.getSpace();
        Cluster cluster = space.cluster();
        int g = space.gpusPerNodeUsed();
        double excess = 0;
        int[] gpus = sessionGpuOrder[node];
        for (int local = 0; local < g; local++) {
            double need = layout.memoryNeedBytes(slot * g + local);
            double capacity = cluster.usableMemoryBytes(node, gpus[local]) * (1 - space.headroomFraction());
            excess += Math.max(0, need - capacity);
        }
        return (long) Math.ceil(excess / MIB);
    }

    /** Nodes used twice plus nodes whose GPU positions do not hold a permutation. */
    private long duplicates() {
        int[] order = solution.usedNodeOrder();
        if (order == null) {
            return 0;
        }
        long invalidGpuOrders = 0;
        for (int[] gpus : sessionGpuOrder) {
            invalidGpuOrders += gpus == null || isPermutation(gpus) ? 0 : 1;
        }
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        long count = invalidGpuOrders;
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                count++;
            }
        }
        return count;
    }

    private void clearDirty() {
        for (int i = 0; i < dirtyCount; i++) {
            dirtyFlags[dirtyList[i]] = false;
        }
        dirtyCount = 0;
        for (int i = 0; i < dirtyGpuCount; i++) {
            dirtyGpuFlags[dirtyGpuNodes[i]] = false;
        }
        dirtyGpuCount = 0;
    }
}
