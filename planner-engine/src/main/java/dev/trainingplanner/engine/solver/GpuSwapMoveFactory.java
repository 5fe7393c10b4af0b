package dev.trainingplanner.engine.solver;

import ai.timefold.solver.core.api.score.director.ScoreDirector;
import ai.timefold.solver.core.impl.heuristic.selector.move.factory.MoveIteratorFactory;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * Random swaps of two local GPU positions inside one node whose GPUs differ. A swap is only ever built inside one node:
 * the built-in swap selector would mostly pair positions of different nodes, which breaks both permutations.
 */
public class GpuSwapMoveFactory implements MoveIteratorFactory<PlacementSolution, GpuSwapMove> {

    @Override
    public long getSize(ScoreDirector<PlacementSolution> scoreDirector) {
        PlacementSolution solution = scoreDirector.getWorkingSolution();
        long g = solution.getSpace().gpusPerNodeUsed();
        return solution.getGpuPositions().size() * (g - 1) / 2;
    }

    @Override
    public Iterator<GpuSwapMove> createOriginalMoveIterator(ScoreDirector<PlacementSolution> scoreDirector) {
        throw new UnsupportedOperationException("GPU swaps are only selected randomly");
    }

    @Override
    public Iterator<GpuSwapMove> createRandomMoveIterator(
            ScoreDirector<PlacementSolution> scoreDirector, Random random) {
        PlacementSolution solution = scoreDirector.getWorkingSolution();
        List<GpuPosition> positions = solution.getGpuPositions();
        int g = solution.getSpace().gpusPerNodeUsed();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return g >= 2 && !positions.isEmpty();
            }

            @Override
            public GpuSwapMove next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                // Positions are stored node by node, g per node.
                int nodeStart = random.nextInt(positions.size() / g) * g;
                int a = random.nextInt(g);
                int b = random.nextInt(g - 1);
                if (b >= a) {
                    b++;
                }
                return new GpuSwapMove(positions.get(nodeStart + a), positions.get(nodeStart + b));
            }
        };
    }
}
