package dev.trainingplanner.engine.solver;

import static org.assertj.core.api.Assertions.assertThat;

import ai.timefold.solver.core.api.solver.SolverFactory;
import ai.timefold.solver.core.config.solver.EnvironmentMode;
import ai.timefold.solver.core.config.solver.SolverConfig;
import ai.timefold.solver.core.config.solver.monitoring.MonitoringConfig;
import ai.timefold.solver.core.config.solver.monitoring.SolverMetric;
import ai.timefold.solver.core.impl.solver.DefaultSolver;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The search's own configuration in {@link EnvironmentMode#FULL_ASSERT} on a small instance: after every move (and
 * its undo) and every custom phase Timefold recalculates the score from scratch and fails on any difference from the
 * incremental score, so this run covers the incremental calculator under every move kind the search selects.
 */
class AssertingSearchTest {

    @Test
    void fullAssertSearchEvaluatesEveryMoveKindWithoutScoreCorruption() {
        SmallInstance instance = SmallInstance.islandsWithBusyGpus();
        PlacementSolution problem = PlacementProblem.create(instance.layouts(), instance.space());
        SolverConfig config = PlacementSearch.solverConfig(
                        instance.layouts(),
                        !problem.getGpuPositions().isEmpty(),
                        7L,
                        PlacementSearch.localSearchTermination(instance.space(), 150, null),
                        EnvironmentMode.FULL_ASSERT)
                .withMonitoringConfig(
                        new MonitoringConfig().withSolverMetricList(List.of(SolverMetric.MOVE_COUNT_PER_TYPE)));
        DefaultSolver<PlacementSolution> solver = (DefaultSolver<PlacementSolution>)
                SolverFactory.<PlacementSolution>create(config).buildSolver();

        PlacementSolution best = solver.solve(problem);

        Map<String, Long> evaluated = solver.getSolverScope().getMoveEvaluationCountPerType();
        assertThat(evaluated)
                .containsOnlyKeys(
                        "SwapMove(NodeSlot.node)",
                        "SlotPermutationMove(reverse)",
                        "SlotPermutationMove(rotate)",
                        "SlotPermutationMove(blockSwap)",
                        "GpuSwapMove",
                        "ChangeMove(LayoutSelection.layout)");
        assertThat(best.getScore()).isEqualTo(ScoreCheck.fromScratch(best));
    }
}
