package dev.trainingplanner.engine.solver;

import static org.assertj.core.api.Assertions.assertThat;

import ai.timefold.solver.core.api.score.buildin.hardsoftlong.HardSoftLongScore;
import ai.timefold.solver.core.impl.heuristic.move.Move;
import ai.timefold.solver.core.impl.score.director.InnerScoreDirector;
import dev.trainingplanner.engine.solver.ScoreCheck.Assignment;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Undo tests of the custom moves, run through Timefold's score director as local search runs them: the move is done
 * (the incremental score must equal a recalculation from scratch), then undone from the variable changes it reported
 * (the state and the score must be back). A variable a move changes without telling the score director, or an
 * incremental update that misses a rank, fails here.
 */
class CustomMoveTest {

    private static final SmallInstance INSTANCE = SmallInstance.islandsWithBusyGpus();

    /** Node 1, whose busy GPUs 0..2 then run first-stage ranks that do not fit, in position 0; node 2 spare. */
    private static final int[] NODE_ORDER = {1, 0, 3, 2};

    static Stream<Arguments> moves() {
        return Stream.of(
                move("GPU swap on a used node", true, s -> gpuSwap(s, 1, 0, 3)),
                move("GPU swap of a busy and a free GPU", true, s -> gpuSwap(s, 0, 0, 6)),
                move("GPU swap on the spare node", false, s -> gpuSwap(s, 3, 1, 6)),
                move("reversal of the used positions", true, s -> SlotPermutationMove.reversal(s.getSlots(), 0, 2)),
                move("rotation of the used positions", true, s -> SlotPermutationMove.rotation(s.getSlots(), 0, 2, 1)),
                move("swap of two used positions", true, s -> SlotPermutationMove.blockSwap(s.getSlots(), 0, 1, 1)),
                move(
                        "swap of a used and the spare position",
                        true,
                        s -> SlotPermutationMove.blockSwap(s.getSlots(), 1, 3, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("moves")
    void moveScoresAsFromScratchAndUndoRestoresStateAndScore(
            String name, boolean changesScore, Function<PlacementSolution, Move<PlacementSolution>> factory) {
        PlacementSolution solution = ScoreCheck.solution(INSTANCE, NODE_ORDER, 1);
        try (InnerScoreDirector<PlacementSolution, HardSoftLongScore> director =
                ScoreCheck.assertingScoreDirector(INSTANCE)) {
            director.setWorkingSolution(solution);
            HardSoftLongScore before = director.calculateScore().raw();
            Assignment start = Assignment.of(solution);
            Move<PlacementSolution> move = factory.apply(solution);
            assertThat(move.isMoveDoable(director)).isTrue();

            HardSoftLongScore moved = director.getMoveDirector().executeTemporary(move, (score, undo) -> {
                assertThat(Assignment.of(solution)).isNotEqualTo(start);
                assertThat(score.raw()).isEqualTo(ScoreCheck.fromScratch(solution));
                return score.raw();
            });

            if (changesScore) {
                assertThat(moved)
                        .as("a move that changes nothing would test nothing")
                        .isNotEqualTo(before);
            } else {
                assertThat(moved).as("ranks on the spare node do not count").isEqualTo(before);
            }
            assertThat(Assignment.of(solution)).isEqualTo(start);
            assertThat(director.calculateScore().raw()).isEqualTo(before).isEqualTo(ScoreCheck.fromScratch(solution));
        }
    }

    private static Arguments move(
            String name, boolean changesScore, Function<PlacementSolution, Move<PlacementSolution>> factory) {
        return Arguments.of(name, changesScore, factory);
    }

    /** Swaps local positions {@code a} and {@code b} of the node in {@code position} of the node order. */
    private static GpuSwapMove gpuSwap(PlacementSolution solution, int position, int a, int b) {
        List<GpuPosition> positions = solution.gpuPositionsOf(
                solution.getSlots().get(position).getNode().index());
        return new GpuSwapMove(positions.get(a), positions.get(b));
    }
}
