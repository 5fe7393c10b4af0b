package dev.trainingplanner.engine.solver;

import ai.timefold.solver.core.api.score.director.ScoreDirector;
import ai.timefold.solver.core.impl.heuristic.selector.move.factory.MoveIteratorFactory;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.engine.layout.LayoutCandidate;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * Random segment reversals, segment rotations and block swaps. Block lengths follow the current layout: the nodes of one pipeline stage
 * (so a move exchanges two stages or a stage and spare nodes), or a single node when a stage is smaller than a node.
 * Reversed segments span 2 to max(4, min(32, two stages)) positions.
 */
public class SlotPermutationMoveFactory implements MoveIteratorFactory<PlacementSolution, SlotPermutationMove> {

    private static final int MIN_SEGMENT = 4;
    private static final int MAX_SEGMENT = 32;

    @Override
    public long getSize(ScoreDirector<PlacementSolution> scoreDirector) {
        long used = scoreDirector.getWorkingSolution().getSpace().nodesUsed();
        long all = scoreDirector.getWorkingSolution().getSlots().size();
        return used * used / 2 + all * all / 2;
    }

    @Override
    public Iterator<SlotPermutationMove> createOriginalMoveIterator(ScoreDirector<PlacementSolution> scoreDirector) {
        throw new UnsupportedOperationException("slot permutation moves are only selected randomly");
    }

    @Override
    public Iterator<SlotPermutationMove> createRandomMoveIterator(
            ScoreDirector<PlacementSolution> scoreDirector, Random random) {
        PlacementSolution solution = scoreDirector.getWorkingSolution();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return solution.getSpace().nodesUsed() >= 2
                        || solution.getSlots().size() >= 2;
            }

            @Override
            public SlotPermutationMove next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<NodeSlot> slots = solution.getSlots();
                int used = solution.getSpace().nodesUsed();
                int length = stageBlock(solution);
                int kind = random.nextInt(3);
                if (used >= 3 && kind < 2) {
                    // Segments are bounded so that a move costs O(block) node swaps, not O(nodes).
                    int longest = Math.min(used, Math.max(MIN_SEGMENT, Math.min(MAX_SEGMENT, 2 * length)));
                    int span = 2 + random.nextInt(longest - 1);
                    int from = random.nextInt(used - span + 1);
                    if (kind == 0) {
                        return SlotPermutationMove.reversal(slots, from, from + span - 1);
                    }
                    return SlotPermutationMove.rotation(slots, from, from + span - 1, 1 + random.nextInt(span - 1));
                }
                int all = slots.size();
                if (2 * length > all || random.nextInt(4) == 0) {
                    length = 1;
                }
                int blocks = all / length;
                int first = random.nextInt(blocks);
                int second = random.nextInt(blocks - 1);
                if (second >= first) {
                    second++;
                }
                return SlotPermutationMove.blockSwap(slots, first * length, second * length, length);
            }
        };
    }

    private static int stageBlock(PlacementSolution solution) {
        LayoutCandidate candidate = solution.getLayoutSelection().getLayout();
        if (candidate == null) {
            return 1;
        }
        Layout layout = candidate.layout();
        long ranksPerStage = (long) layout.tp() * layout.cp() * layout.dp();
        int g = solution.getSpace().gpusPerNodeUsed();
        return ranksPerStage % g == 0 ? (int) Math.max(1, ranksPerStage / g) : 1;
    }
}
