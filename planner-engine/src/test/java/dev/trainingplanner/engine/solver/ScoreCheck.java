package dev.trainingplanner.engine.solver;

import ai.timefold.solver.core.api.score.buildin.hardsoftlong.HardSoftLongScore;
import ai.timefold.solver.core.api.solver.SolverFactory;
import ai.timefold.solver.core.config.solver.EnvironmentMode;
import ai.timefold.solver.core.config.solver.termination.TerminationConfig;
import ai.timefold.solver.core.impl.score.director.InnerScoreDirector;
import ai.timefold.solver.core.impl.solver.DefaultSolverFactory;
import dev.trainingplanner.engine.layout.LayoutCandidate;
import java.util.List;

/** Solutions, scores and score directors for the tests of the score calculator and the moves. */
final class ScoreCheck {

    private ScoreCheck() {}

    /** The solution with {@code order} in the first positions and the layout {@code layoutIndex} of the pool. */
    static PlacementSolution solution(SmallInstance instance, int[] order, int layoutIndex) {
        PlacementSolution solution = PlacementProblem.create(instance.layouts(), instance.space());
        for (int i = 0; i < order.length; i++) {
            solution.getSlots().get(i).setNode(solution.getNodes().get(order[i]));
        }
        solution.getLayoutSelection().setLayout(instance.layouts().get(layoutIndex));
        return solution;
    }

    /** The score of {@code solution} from a new calculator, without any incremental state. */
    static HardSoftLongScore fromScratch(PlacementSolution solution) {
        PlacementScoreCalculator calculator = new PlacementScoreCalculator();
        calculator.resetWorkingSolution(solution);
        return calculator.calculateScore();
    }

    /**
     * Timefold's own score director for the search's configuration in {@link EnvironmentMode#FULL_ASSERT}: moves run
     * through it as in local search, with the incremental {@link PlacementScoreCalculator} behind it.
     */
    @SuppressWarnings("unchecked")
    static InnerScoreDirector<PlacementSolution, HardSoftLongScore> assertingScoreDirector(SmallInstance instance) {
        DefaultSolverFactory<PlacementSolution> factory = (DefaultSolverFactory<PlacementSolution>)
                SolverFactory.<PlacementSolution>create(PlacementSearch.solverConfig(
                        instance.layouts(), true, 1L, new TerminationConfig(), EnvironmentMode.FULL_ASSERT));
        return (InnerScoreDirector<PlacementSolution, HardSoftLongScore>)
                factory.<HardSoftLongScore>getScoreDirectorFactory().buildScoreDirector();
    }

    /** Every planning variable of a solution: the layout, the node of every position, the GPU of every position. */
    record Assignment(LayoutCandidate layout, List<ClusterNode> nodes, List<Integer> gpus) {

        static Assignment of(PlacementSolution solution) {
            return new Assignment(
                    solution.getLayoutSelection().getLayout(),
                    solution.getSlots().stream().map(NodeSlot::getNode).toList(),
                    solution.getGpuPositions().stream().map(GpuPosition::getGpu).toList());
        }
    }
}
