package dev.trainingplanner.engine.solver;

import ai.timefold.solver.core.api.score.director.ScoreDirector;
import ai.timefold.solver.core.impl.heuristic.move.AbstractMove;
import java.util.Collection;
import java.util.List;

/** Exchanges the GPUs of two local positions of one node, so the node's positions still hold a permutation. */
public final class GpuSwapMove extends AbstractMove<PlacementSolution> {

    private final GpuPosition first;
    private final GpuPosition second;

    public GpuSwapMove(GpuPosition first, GpuPosition second) {
        if (first.getNode() != second.getNode()) {
            throw new IllegalArgumentException("a GPU swap stays inside one node: " + first + ", " + second);
        }
        this.first = first;
        this.second = second;
    }

    @Override
    public boolean isMoveDoable(ScoreDirector<PlacementSolution> scoreDirector) {
        return !first.getGpu().equals(second.getGpu());
    }

    @Override
    protected void doMoveOnGenuineVariables(ScoreDirector<PlacementSolution> scoreDirector) {
        Integer firstGpu = first.getGpu();
        Integer secondGpu = second.getGpu();
        scoreDirector.beforeVariableChanged(first, GpuPosition.GPU);
        first.setGpu(secondGpu);
        scoreDirector.afterVariableChanged(first, GpuPosition.GPU);
        scoreDirector.beforeVariableChanged(second, GpuPosition.GPU);
        second.setGpu(firstGpu);
        scoreDirector.afterVariableChanged(second, GpuPosition.GPU);
    }

    @Override
    public Collection<?> getPlanningEntities() {
        return List.of(first, second);
    }

    @Override
    public Collection<?> getPlanningValues() {
        return List.of(first.getGpu(), second.getGpu());
    }

    @Override
    public String getSimpleMoveTypeDescription() {
        return "GpuSwapMove";
    }

    @Override
    public String toString() {
        return first.getNode().name() + " GPUs at " + first.getLocal() + "<->" + second.getLocal();
    }
}
