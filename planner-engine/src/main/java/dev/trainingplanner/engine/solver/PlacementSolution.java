package dev.trainingplanner.engine.solver;

import ai.timefold.solver.core.api.domain.solution.PlanningEntityCollectionProperty;
import ai.timefold.solver.core.api.domain.solution.PlanningEntityProperty;
import ai.timefold.solver.core.api.domain.solution.PlanningScore;
import ai.timefold.solver.core.api.domain.solution.PlanningSolution;
import ai.timefold.solver.core.api.domain.solution.ProblemFactCollectionProperty;
import ai.timefold.solver.core.api.domain.solution.ProblemFactProperty;
import ai.timefold.solver.core.api.domain.valuerange.ValueRangeProvider;
import ai.timefold.solver.core.api.score.buildin.hardsoftlong.HardSoftLongScore;
import dev.trainingplanner.engine.layout.LayoutCandidate;
import java.util.List;

/**
 * The planning problem: choose a layout and the node order (which nodes, in which order) that minimise the predicted
 * iteration time while every rank fits in memory. Hard score: memory overflow in MiB (and duplicated nodes, which the
 * moves never create); soft score: minus the predicted iteration time in microseconds.
 */
@PlanningSolution
public class PlacementSolution {

    public static final String LAYOUT_RANGE = "layoutRange";
    public static final String NODE_RANGE = "nodeRange";

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

    @PlanningScore
    private HardSoftLongScore score;

    public PlacementSolution() {}

    public PlacementSolution(
            List<LayoutCandidate> layouts,
            List<ClusterNode> nodes,
            SearchSpace space,
            LayoutSelection layoutSelection,
            List<NodeSlot> slots) {
        this.layouts = layouts;
        this.nodes = nodes;
        this.space = space;
        this.layoutSelection = layoutSelection;
        this.slots = slots;
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
