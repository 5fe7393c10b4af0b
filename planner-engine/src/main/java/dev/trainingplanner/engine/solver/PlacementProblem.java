package dev.trainingplanner.engine.solver;

import dev.trainingplanner.engine.layout.LayoutCandidate;
import java.util.ArrayList;
import java.util.List;

/** Builds the uninitialised planning problem: one slot per node (used positions first), no layout chosen. */
public final class PlacementProblem {

    private PlacementProblem() {}

    public static PlacementSolution create(List<LayoutCandidate> layouts, SearchSpace space) {
        int nodeCount = space.cluster().nodeCount();
        List<ClusterNode> nodes = new ArrayList<>(nodeCount);
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(new ClusterNode(i, "node " + i));
        }
        List<NodeSlot> slots = new ArrayList<>(nodeCount);
        for (int position = 0; position < nodeCount; position++) {
            slots.add(new NodeSlot(position, position < space.nodesUsed(), null));
        }
        return new PlacementSolution(List.copyOf(layouts), nodes, space, new LayoutSelection(null), slots);
    }
}
