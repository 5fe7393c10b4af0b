package dev.trainingplanner.engine.solver;

import dev.trainingplanner.engine.layout.LayoutCandidate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds the uninitialised planning problem: one slot per node (used positions first), no layout chosen, and the GPU
 * positions of every node whose GPUs differ, starting in index order.
 */
public final class PlacementProblem {

    private PlacementProblem() {}

    public static PlacementSolution create(List<LayoutCandidate> layouts, SearchSpace space) {
        int nodeCount = space.cluster().nodeCount();
        int g = space.gpusPerNodeUsed();
        List<ClusterNode> nodes = new ArrayList<>(nodeCount);
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(new ClusterNode(i, "node " + i));
        }
        List<NodeSlot> slots = new ArrayList<>(nodeCount);
        for (int position = 0; position < nodeCount; position++) {
            slots.add(new NodeSlot(position, position < space.nodesUsed(), null));
        }
        List<GpuPosition> gpuPositions = new ArrayList<>();
        int[] firstGpuPosition = new int[nodeCount];
        Arrays.fill(firstGpuPosition, -1);
        for (int node = 0; node < nodeCount && g >= 2; node++) {
            if (!GpuOrderPolish.uniform(space.cluster(), node, g)) {
                firstGpuPosition[node] = gpuPositions.size();
                for (int local = 0; local < g; local++) {
                    gpuPositions.add(new GpuPosition(gpuPositions.size(), nodes.get(node), local, local));
                }
            }
        }
        return new PlacementSolution(
                List.copyOf(layouts), nodes, space, new LayoutSelection(null), slots, gpuPositions, firstGpuPosition);
    }
}
