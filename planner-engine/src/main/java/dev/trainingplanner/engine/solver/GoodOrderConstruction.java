package dev.trainingplanner.engine.solver;

import ai.timefold.solver.core.api.score.director.ScoreDirector;
import ai.timefold.solver.core.api.solver.phase.PhaseCommand;
import dev.trainingplanner.engine.layout.LayoutCandidate;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * First phase: puts every node in a position following {@link NodeOrdering}: the healthiest nodes chained along
 * their fastest links, the healthiest nodes in index order (the default placement without the weakest nodes), or the
 * nodes grouped by NVLink domain, whichever the fastest layout under the default placement prefers. A construction heuristic over the
 * layout variable follows, which then starts from a good order instead of trying O(nodes²) node assignments.
 */
public class GoodOrderConstruction implements PhaseCommand<PlacementSolution> {

    @Override
    public void changeWorkingSolution(ScoreDirector<PlacementSolution> scoreDirector, BooleanSupplier isTerminated) {
        PlacementSolution solution = scoreDirector.getWorkingSolution();
        if (solution.getSlots().stream().allMatch(s -> s.getNode() != null)) {
            return;
        }
        SearchSpace space = solution.getSpace();
        NodeOrdering.StartOrders starts =
                NodeOrdering.startOrders(space.cluster(), space.nodesUsed(), space.gpusPerNodeUsed());
        int[] order = starts.chained();
        if (!solution.getLayouts().isEmpty()) {
            // Keep the best start for the layout that is fastest under the default placement.
            LayoutCandidate reference = solution.getLayouts().get(0);
            double best = time(reference, space, order);
            List<int[]> others = starts.domainGrouped() == starts.healthyPacked()
                    ? List.of(starts.healthyPacked())
                    : List.of(starts.healthyPacked(), starts.domainGrouped());
            for (int[] other : others) {
                double seconds = time(reference, space, other);
                if (seconds < best) {
                    order = other;
                    best = seconds;
                }
            }
        }
        List<ClusterNode> nodes = solution.getNodes();
        for (int position = 0; position < order.length; position++) {
            NodeSlot slot = solution.getSlots().get(position);
            scoreDirector.beforeVariableChanged(slot, NodeSlot.NODE);
            slot.setNode(nodes.get(order[position]));
            scoreDirector.afterVariableChanged(slot, NodeSlot.NODE);
        }
        scoreDirector.triggerVariableListeners();
    }

    private static double time(LayoutCandidate layout, SearchSpace space, int[] order) {
        return layout.start(space.placement(Arrays.copyOf(order, space.nodesUsed())))
                .iterationTimeSeconds();
    }
}
