package dev.trainingplanner.engine.solver;

import ai.timefold.solver.core.api.score.director.ScoreDirector;
import ai.timefold.solver.core.api.solver.phase.PhaseCommand;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.engine.layout.LayoutCandidate;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Sets the GPU order of every used node whose GPUs differ to the one {@link GpuOrderPolish} finds for the current
 * layout and node order: tensor-parallel blocks grouped along the fastest links, then pairwise swaps by first
 * improvement. It runs once after the layout is constructed, so local search starts from grouped GPUs (single swaps
 * rarely regroup a block that straddles two NVLink islands), and once after local search, on the best solution, to
 * finish the GPU order for the final layout and node order. Local search itself changes GPU orders with {@link
 * GpuSwapMove}s.
 */
public class GpuOrderPhase implements PhaseCommand<PlacementSolution> {

    @Override
    public void changeWorkingSolution(ScoreDirector<PlacementSolution> scoreDirector, BooleanSupplier isTerminated) {
        PlacementSolution solution = scoreDirector.getWorkingSolution();
        LayoutCandidate layout = solution.getLayoutSelection().getLayout();
        Placement placement = solution.placement();
        if (solution.getGpuPositions().isEmpty() || layout == null || placement == null) {
            return;
        }
        Placement polished =
                GpuOrderPolish.polish(layout, solution.getSpace(), placement).placement();
        for (int slot = 0; slot < polished.nodesUsed(); slot++) {
            int node = polished.nodeAt(slot);
            if (!solution.hasGpuOrder(node)) {
                continue;
            }
            List<GpuPosition> positions = solution.gpuPositionsOf(node);
            for (int local = 0; local < positions.size(); local++) {
                GpuPosition position = positions.get(local);
                int gpu = polished.gpuAt(slot, local);
                if (position.getGpu() != gpu) {
                    scoreDirector.beforeVariableChanged(position, GpuPosition.GPU);
                    position.setGpu(gpu);
                    scoreDirector.afterVariableChanged(position, GpuPosition.GPU);
                }
            }
        }
        scoreDirector.triggerVariableListeners();
    }
}
