package dev.trainingplanner.engine.solver;

import ai.timefold.solver.core.api.score.buildin.hardsoftlong.HardSoftLongScore;
import ai.timefold.solver.core.api.solver.Solver;
import ai.timefold.solver.core.api.solver.SolverFactory;
import ai.timefold.solver.core.config.constructionheuristic.ConstructionHeuristicPhaseConfig;
import ai.timefold.solver.core.config.constructionheuristic.placer.QueuedEntityPlacerConfig;
import ai.timefold.solver.core.config.heuristic.selector.entity.EntitySelectorConfig;
import ai.timefold.solver.core.config.heuristic.selector.move.composite.UnionMoveSelectorConfig;
import ai.timefold.solver.core.config.heuristic.selector.move.factory.MoveIteratorFactoryConfig;
import ai.timefold.solver.core.config.heuristic.selector.move.generic.ChangeMoveSelectorConfig;
import ai.timefold.solver.core.config.heuristic.selector.move.generic.SwapMoveSelectorConfig;
import ai.timefold.solver.core.config.heuristic.selector.value.ValueSelectorConfig;
import ai.timefold.solver.core.config.localsearch.LocalSearchPhaseConfig;
import ai.timefold.solver.core.config.localsearch.decider.acceptor.LocalSearchAcceptorConfig;
import ai.timefold.solver.core.config.localsearch.decider.forager.LocalSearchForagerConfig;
import ai.timefold.solver.core.config.phase.custom.CustomPhaseConfig;
import ai.timefold.solver.core.config.score.director.ScoreDirectorFactoryConfig;
import ai.timefold.solver.core.config.solver.EnvironmentMode;
import ai.timefold.solver.core.config.solver.SolverConfig;
import ai.timefold.solver.core.config.solver.termination.TerminationConfig;
import ai.timefold.solver.core.impl.solver.DefaultSolver;
import dev.trainingplanner.engine.layout.LayoutCandidate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs Timefold over a {@link PlacementSolution}: the good-order construction, a construction heuristic for the
 * layout, the GPU-order phase, simulated-annealing local search with node swaps (used or spare positions), segment
 * reversals, stage-block swaps, GPU swaps inside nodes whose GPUs differ and layout changes, and the GPU-order phase
 * again on the best solution. With a step budget and a seed the result is reproducible ({@link
 * EnvironmentMode#NO_ASSERT} keeps Timefold's reproducible ordering).
 */
public final class PlacementSearch {

    /** Default step budget: 60 steps per node used, within 1,000..6,000 (2,048 nodes finish within a minute). */
    public static int defaultSteps(int nodesUsed) {
        return Math.max(1000, Math.min(6000, 60 * nodesUsed));
    }

    /** Default early stop: the best score has not improved for 8 steps per node used, within 500..2,000. */
    public static int defaultUnimprovedSteps(int nodesUsed) {
        return Math.max(500, Math.min(2000, 8 * nodesUsed));
    }

    /** One point of the quality-vs-time curve. */
    public record Progress(long millis, HardSoftLongScore score) {}

    /** The outcome: the best solution, how long it took, and how many scores were calculated. */
    public record Result(
            PlacementSolution best,
            long firstFeasibleMillis,
            long totalMillis,
            long scoreCalculations,
            List<Progress> curve) {}

    /**
     * A step ends at its first accepted move; where no move can be accepted (one node and one layout, or every move
     * worse in the hard score) the step would never end, so the evaluated moves are capped too (deterministic).
     */
    private static final long MOVES_PER_STEP_LIMIT = 50;

    private static final String LAYOUT_ENTITY = "layoutEntity";

    private PlacementSearch() {}

    /** A new best solution during the search: when, its score and its layout. */
    public record Improvement(long millisSpent, HardSoftLongScore score, LayoutCandidate layout) {}

    public static Result solve(
            List<LayoutCandidate> layouts, SearchSpace space, long seed, Integer steps, Duration timeLimit) {
        return solve(layouts, space, seed, steps, timeLimit, improvement -> {});
    }

    /**
     * Runs the search; {@code onImprovement} hears of every new best initialized solution, on the solving thread
     * (keep it short: it runs inside the search loop).
     */
    public static Result solve(
            List<LayoutCandidate> layouts,
            SearchSpace space,
            long seed,
            Integer steps,
            Duration timeLimit,
            Consumer<Improvement> onImprovement) {
        PlacementSolution problem = PlacementProblem.create(layouts, space);
        SolverConfig config = solverConfig(
                layouts,
                !problem.getGpuPositions().isEmpty(),
                seed,
                localSearchTermination(space, steps, timeLimit),
                EnvironmentMode.NO_ASSERT);
        Solver<PlacementSolution> solver =
                SolverFactory.<PlacementSolution>create(config).buildSolver();
        List<Progress> curve = new ArrayList<>();
        long[] firstFeasible = {-1};
        solver.addEventListener(event -> {
            HardSoftLongScore score = (HardSoftLongScore) event.getNewBestScore();
            if (event.isNewBestSolutionInitialized()) {
                curve.add(new Progress(event.getTimeMillisSpent(), score));
                onImprovement.accept(new Improvement(
                        event.getTimeMillisSpent(),
                        score,
                        event.getNewBestSolution().getLayoutSelection().getLayout()));
                if (firstFeasible[0] < 0 && score.hardScore() == 0) {
                    firstFeasible[0] = event.getTimeMillisSpent();
                }
            }
        });
        long start = System.nanoTime();
        PlacementSolution best = solver.solve(problem);
        long total = (System.nanoTime() - start) / 1_000_000;
        long calculations = ((DefaultSolver<PlacementSolution>) solver).getScoreCalculationCount();
        return new Result(best, firstFeasible[0], total, calculations, curve);
    }

    /**
     * The local-search termination: a step budget (with the evaluated moves capped too), a wall-clock limit, or, with
     * neither, the default step budget with an early stop.
     */
    static TerminationConfig localSearchTermination(SearchSpace space, Integer steps, Duration timeLimit) {
        TerminationConfig termination = new TerminationConfig();
        if (timeLimit != null) {
            termination.setSpentLimit(timeLimit);
        }
        if (steps != null) {
            termination.setStepCountLimit(steps);
            termination.setMoveCountLimit(MOVES_PER_STEP_LIMIT * steps);
        } else if (timeLimit == null) {
            int defaultSteps = defaultSteps(space.nodesUsed());
            termination.setStepCountLimit(defaultSteps);
            termination.setUnimprovedStepCountLimit(defaultUnimprovedSteps(space.nodesUsed()));
            termination.setMoveCountLimit(MOVES_PER_STEP_LIMIT * defaultSteps);
        }
        return termination;
    }

    /**
     * The solver configuration of the search. Planning runs in {@link EnvironmentMode#NO_ASSERT}; the tests run the
     * same configuration in {@link EnvironmentMode#FULL_ASSERT}, which recalculates the score from scratch after every
     * move and its undo.
     *
     * @param gpuOrders whether some node's GPU order is a decision (then GPU swaps are selected)
     */
    static SolverConfig solverConfig(
            List<LayoutCandidate> layouts,
            boolean gpuOrders,
            long seed,
            TerminationConfig localSearchTermination,
            EnvironmentMode environmentMode) {
        return new SolverConfig()
                .withSolutionClass(PlacementSolution.class)
                .withEntityClasses(LayoutSelection.class, NodeSlot.class, GpuPosition.class)
                .withScoreDirectorFactory(new ScoreDirectorFactoryConfig()
                        .withIncrementalScoreCalculatorClass(PlacementScoreCalculator.class))
                .withEnvironmentMode(environmentMode)
                .withRandomSeed(seed)
                .withPhases(
                        new CustomPhaseConfig().withCustomPhaseCommandClassList(List.of(GoodOrderConstruction.class)),
                        new ConstructionHeuristicPhaseConfig()
                                .withEntityPlacerConfig(new QueuedEntityPlacerConfig()
                                        .withEntitySelectorConfig(
                                                new EntitySelectorConfig(LayoutSelection.class).withId(LAYOUT_ENTITY))
                                        .withMoveSelectorConfigList(List.of(new ChangeMoveSelectorConfig()
                                                .withEntitySelectorConfig(
                                                        new EntitySelectorConfig().withMimicSelectorRef(LAYOUT_ENTITY))
                                                .withValueSelectorConfig(
                                                        new ValueSelectorConfig(LayoutSelection.LAYOUT))))),
                        new CustomPhaseConfig().withCustomPhaseCommandClassList(List.of(GpuOrderPhase.class)),
                        new LocalSearchPhaseConfig()
                                .withMoveSelectorConfig(moves(layouts.size(), gpuOrders))
                                .withAcceptorConfig(new LocalSearchAcceptorConfig()
                                        .withSimulatedAnnealingStartingTemperature(startingTemperature(layouts)))
                                .withForagerConfig(new LocalSearchForagerConfig().withAcceptedCountLimit(1))
                                .withTerminationConfig(localSearchTermination),
                        new CustomPhaseConfig().withCustomPhaseCommandClassList(List.of(GpuOrderPhase.class)));
    }

    /**
     * Simulated annealing starts at {@value #STARTING_TEMPERATURE_FRACTION} of the fastest layout's time (in
     * microseconds), so that a move costing a few tenths of a percent is often accepted early: escaping a local
     * optimum of node orders often takes two swaps, the first of which is slightly worse.
     */
    static String startingTemperature(List<LayoutCandidate> layouts) {
        double reference = layouts.stream()
                .mapToDouble(LayoutCandidate::packedIterationTimeSeconds)
                .filter(Double::isFinite)
                .min()
                .orElse(1.0);
        long micros = Math.max(1, Math.round(reference * 1e6 * STARTING_TEMPERATURE_FRACTION));
        return "0hard/" + micros + "soft";
    }

    private static final double STARTING_TEMPERATURE_FRACTION = 0.003;

    private static UnionMoveSelectorConfig moves(int layoutCount, boolean gpuOrders) {
        List<ai.timefold.solver.core.config.heuristic.selector.move.MoveSelectorConfig> selectors = new ArrayList<>();
        selectors.add(new SwapMoveSelectorConfig()
                .withEntitySelectorConfig(new EntitySelectorConfig(NodeSlot.class))
                .withVariableNameIncludes(NodeSlot.NODE)
                .withFixedProbabilityWeight(4.0));
        selectors.add(new MoveIteratorFactoryConfig()
                .withMoveIteratorFactoryClass(SlotPermutationMoveFactory.class)
                .withFixedProbabilityWeight(3.0));
        if (gpuOrders) {
            selectors.add(new MoveIteratorFactoryConfig()
                    .withMoveIteratorFactoryClass(GpuSwapMoveFactory.class)
                    .withFixedProbabilityWeight(2.0));
        }
        if (layoutCount > 1) {
            selectors.add(new ChangeMoveSelectorConfig()
                    .withEntitySelectorConfig(new EntitySelectorConfig(LayoutSelection.class))
                    .withValueSelectorConfig(new ValueSelectorConfig(LayoutSelection.LAYOUT))
                    .withFixedProbabilityWeight(0.1));
        }
        return new UnionMoveSelectorConfig(selectors);
    }
}
