package dev.trainingplanner.engine.solver;

import ai.timefold.solver.core.api.domain.entity.PlanningEntity;
import ai.timefold.solver.core.api.domain.lookup.PlanningId;
import ai.timefold.solver.core.api.domain.variable.PlanningVariable;

/**
 * A position in the node order of the placement. Positions below the number of nodes used host ranks {@code
 * position·g .. position·g+g−1}; the others hold the spare nodes, so swapping a used and a spare position replaces a
 * node. Swaps keep every node in exactly one position.
 */
@PlanningEntity
public class NodeSlot {

    public static final String NODE = "node";

    @PlanningId
    private Integer position;

    private boolean used;

    @PlanningVariable(valueRangeProviderRefs = PlacementSolution.NODE_RANGE)
    private ClusterNode node;

    public NodeSlot() {}

    public NodeSlot(int position, boolean used, ClusterNode node) {
        this.position = position;
        this.used = used;
        this.node = node;
    }

    public Integer getPosition() {
        return position;
    }

    public boolean isUsed() {
        return used;
    }

    public ClusterNode getNode() {
        return node;
    }

    public void setNode(ClusterNode node) {
        this.node = node;
    }

    @Override
    public String toString() {
        return "slot " + position + (used ? "" : " (spare)") + " = " + (node == null ? "-" : node.name());
    }
}
