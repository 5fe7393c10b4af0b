package dev.trainingplanner.engine.solver;

import ai.timefold.solver.core.api.domain.solution.PlanningEntityCollectionProperty;
import ai.timefold.solver.core.api.domain.solution.PlanningEntityProperty;
import ai.timefold.solver.core.api.domain.solution.PlanningScore;
import ai.timefold.solver.core.api.domain.solution.PlanningSolution;
import ai.timefold.solver.core.api.domain.solution.ProblemFactCollectionProperty;
import ai.timefold.solver.core.api.domain.solution.ProblemFactProperty;
import ai.timefold.solver.core.api.domain.valuerange.CountableValueRange;
import ai.timefold.solver.core.api.domain.valuerange.ValueRangeFactory;
import ai.timefold.solver.core.api.domain.valuerange.ValueRangeProvider;
import ai.timefold.solver.core.api.score.buildin.hardsoftlong.HardSoftLongScore;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.engine.layout.LayoutCandidate;
import java.util.List;

/**
 * The planning problem: choose a layout, the node order (which nodes, in which order) and the GPU order inside every
 * node whose GPUs differ, so that the predicted iteration time is minimal while every rank fits in memory. Hard score:
 * memory overflow in MiB (and duplicated nodes or GPUs, which the moves never create); soft score: minus the predicted
 * iteration time in microseconds.
 */
@PlanningSolution
public class PlacementSolution {

    public static final String LAYOUT_RANGE = "layoutRange";
    public static final String NODE_RANGE = "nodeRange";
    public static final String GPU_RANGE = "gpuRange";

    @ProblemFactCollectionProperty
    @ValueRangeProvider(id = LAYOUT_RANGE)
    private List<LayoutCandidate> layouts;

    @ProblemFactCollectionProperty
    @ValueRangeProvider(id = NODE_RANGE)
    private List<ClusterNode> nodes;

    @ProblemFactProperty
    private SearchSpace space;

    @PlanningEntityProperty
    private LayoutSelection layoutSelection;

    @PlanningEntityCollectionProperty
    private List<NodeSlot> slots;

    /** Local GPU positions of the nodes whose GPU order matters, node by node in position order. */
    @PlanningEntityCollectionProperty
    private List<GpuPosition> gpuPositions;

    /** Index into {@link #gpuPositions} of each cluster node's first position, or −1 when its order is fixed. */
    private int[] firstGpuPositionOfNode;

    @PlanningScore
    private HardSoftLongScore score;

    public PlacementSolution() {}

    public PlacementSolution(
            List<LayoutCandidate> layouts,
            List<ClusterNode> nodes,
            SearchSpace space,
            LayoutSelection layoutSelection,
            List<NodeSlot> slots,
            List<GpuPosition> gpuPositions,
            int[] firstGpuPositionOfNode) {
        this.layouts = layouts;
        this.nodes = nodes;
        this.space = space;
        this.layoutSelection = layoutSelection;
        this.slots = slots;
        this.gpuPositions = gpuPositions;
        this.firstGpuPositionOfNode = firstGpuPositionOfNode;
    }

    public List<LayoutCandidate> getLayouts() {
        return layouts;
    }

    public List<ClusterNode> getNodes() {
        return nodes;
    }

    public SearchSpace getSpace() {
        return space;
    }

    public LayoutSelection getLayoutSelection() {
        return layoutSelection;
    }

    public List<NodeSlot> getSlots() {
        return slots;
    }

    public List<GpuPosition> getGpuPositions() {
        return gpuPositions;
    }

    /** Local GPU indices 0..g−1 of the GPUs used on every node. */
    @ValueRangeProvider(id = GPU_RANGE)
    public CountableValueRange<Integer> getGpuRange() {
        return ValueRangeFactory.createIntValueRange(0, space.gpusPerNodeUsed());
    }

    /** Whether the node's GPU order is a planning decision (its GPUs differ). */
    public boolean hasGpuOrder(int node) {
        return firstGpuPositionOfNode[node] >= 0;
    }

    /** The positions of a node whose GPU order is a decision, in local order. */
    public List<GpuPosition> gpuPositionsOf(int node) {
        int first = firstGpuPositionOfNode[node];
        return gpuPositions.subList(first, first + space.gpusPerNodeUsed());
    }

    /** The GPU at each local position of {@code node} (index order where the order is fixed), or null if unassigned. */
    public int[] gpuOrder(int node) {
        int g = space.gpusPerNodeUsed();
        int[] order = new int[g];
        int first = firstGpuPositionOfNode[node];
        for (int local = 0; local < g; local++) {
            if (first < 0) {
                order[local] = local;
            } else {
                Integer gpu = gpuPositions.get(first + local).getGpu();
                if (gpu == null) {
                    return null;
                }
                order[local] = gpu;
            }
        }
        return order;
    }

    /** The launchable placement of the used positions, or null while a position or GPU is unassigned. */
    public Placement placement() {
        int[] order = usedNodeOrder();
        if (order == null) {
            return null;
        }
        int[][] gpus = new int[order.length][];
        for (int slot = 0; slot < order.length; slot++) {
            gpus[slot] = gpuOrder(order[slot]);
            if (gpus[slot] == null) {
                return null;
            }
        }
        return Placement.of(order, gpus);
    }

    public HardSoftLongScore getScore() {
        return score;
    }

    public void setScore(HardSoftLongScore score) {
        this.score = score;
    }

    /** The node order of the used positions, or null while a position is unassigned. */
    public int[] usedNodeOrder() {
        int[] order = new int[space.nodesUsed()];
        for (int i = 0; i < order.length; i++) {
            ClusterNode node = slots.get(i).getNode();
            if (node == null) {
                return null;
            }
            order[i] = node.index();
        }
        return order;
    }
}
