package dev.trainingplanner.engine.solver;

import ai.timefold.solver.core.api.score.director.ScoreDirector;
import ai.timefold.solver.core.api.solver.phase.PhaseCommand;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * First phase: puts every node in a position following {@link NodeOrdering}. A construction heuristic over the
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
        int[] order = NodeOrdering.construct(space.cluster(), space.nodesUsed(), space.gpusPerNodeUsed());
        List<ClusterNode> nodes = solution.getNodes();
        for (int position = 0; position < order.length; position++) {
            NodeSlot slot = solution.getSlots().get(position);
            scoreDirector.beforeVariableChanged(slot, NodeSlot.NODE);
            slot.setNode(nodes.get(order[position]));
            scoreDirector.afterVariableChanged(slot, NodeSlot.NODE);
        }
        scoreDirector.triggerVariableListeners();
    }
}
