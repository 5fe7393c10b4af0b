package dev.trainingplanner.engine.plan;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.estimate.Estimate;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.engine.layout.CandidatePool;
import dev.trainingplanner.engine.layout.LayoutCandidate;
import dev.trainingplanner.engine.layout.LayoutSpace;
import dev.trainingplanner.engine.solver.NodeOrdering;
import dev.trainingplanner.engine.solver.PlacementSearch;
import dev.trainingplanner.engine.solver.PlacementSolution;
import dev.trainingplanner.engine.solver.SearchSpace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Plans a training job: enumerates the framework's layouts, screens them with the cost model, searches the layout,
 * the node order and the GPU order inside nodes whose GPUs differ jointly with Timefold, refines the winner (gradient
 * coding, uneven pipeline split, Ladder Residual layers) and returns it with the next best distinct layouts and an
 * explanation. Never throws for an infeasible problem; bad input (more GPUs than
 * the cluster has, a GPU count that is not a whole number of nodes) is an {@link IllegalArgumentException} with a
 * specific message.
 */
public final class Planner {

    private final CostModel costModel;

    public Planner() {
        this(new CostModel());
    }

    public Planner(CostModel costModel) {
        this.costModel = costModel;
    }

    public PlanResult plan(PlanRequest request) {
        return plan(request, progress -> {});
    }

    /**
     * Plans and reports each better placement the search finds while it runs (on the solving thread), so that a
     * service can show the best plan so far before the final result with its refinements and alternatives.
     */
    public PlanResult plan(PlanRequest request, SearchProgressListener listener) {
        long start = System.nanoTime();
        Cluster cluster = request.cluster().cluster();
        SearchOptions options = request.options();
        SearchSpace space = space(request, cluster);
        CandidatePool pool = pool(request, space);
        List<LayoutCandidate> feasible = screenLayouts(request, space, pool);
        SearchStoppedException.throwIfInterrupted("layout screening");
        if (feasible.isEmpty()) {
            Explanation why = Explanations.infeasible(request, pool);
            SearchStatistics stats = new SearchStatistics(
                    pool.enumerated(), 0, 0, Double.NaN, millisSince(start), -1, 0, millisSince(start), 0, List.of());
            return new PlanResult(
                    PlanResult.Status.INFEASIBLE, request, request.cluster(), null, List.of(), why, stats);
        }
        long screening = millisSince(start);
        pool.freezeStatistics();
        List<LayoutCandidate> searched = searchPool(feasible, space, Math.max(1, options.layoutPoolSize()));
        SearchStoppedException.throwIfInterrupted("building the layout pool");
        PlacementSearch.Result search = PlacementSearch.solve(
                searched,
                space,
                options.seed(),
                options.steps(),
                searchTimeLimit(options.timeLimit(), start),
                improvement -> listener.improved(new SearchProgress(
                        millisSince(start),
                        improvement.layout().describe(),
                        -improvement.score().softScore() / 1e6,
                        improvement.score().hardScore() == 0)));
        PlacementSolution solution = search.best();
        LayoutCandidate chosen = solution.getLayoutSelection().getLayout();
        Placement placement = solution.placement();
        if (chosen == null || placement == null) {
            // Only an interrupted solver thread ends the search before construction has placed every node.
            throw new SearchStoppedException("the search was stopped before it had a complete plan");
        }
        List<String> fallbackNotes = new ArrayList<>();
        if (solution.getScore().hardScore() < 0) {
            // GPUs of different memory sizes: the search ended with a rank over its GPU's memory.
            LayoutCandidate fits = feasible.stream()
                    .filter(c -> Double.isFinite(c.packedIterationTimeSeconds()))
                    .findFirst()
                    .orElse(null);
            if (fits == null) {
                Explanation why = Explanations.noPlacementFits(
                        request, pool, -solution.getScore().hardScore());
                SearchStatistics stats = new SearchStatistics(
                        pool.enumerated(),
                        feasible.size(),
                        searched.size(),
                        Double.NaN,
                        screening,
                        -1,
                        search.totalMillis(),
                        millisSince(start),
                        search.scoreCalculations(),
                        List.of());
                return new PlanResult(
                        PlanResult.Status.INFEASIBLE, request, request.cluster(), null, List.of(), why, stats);
            }
            chosen = fits;
            placement = Placement.packed(cluster, space.nodesUsed(), space.gpusPerNodeUsed());
            fallbackNotes.add("the search found no placement that fits every GPU; the fastest layout that fits with "
                    + "the default placement is used");
        }
        Refinement refinement = new Refinement(pool, request);
        refinement.notes().addAll(fallbackNotes);
        int reordered = nodesWithGpusReordered(placement);
        if (reordered > 0) {
            refinement
                    .notes()
                    .add(String.format(
                            Locale.ROOT,
                            "GPU order changed inside %d nodes whose intra-node links or GPU speeds differ",
                            reordered));
        }
        chosen = fastestOnPlacement(pool, searched, chosen, placement, options.headroomFraction());
        PlannedLayout best = refinement.refine(chosen, placement);
        List<PlannedLayout> alternatives = alternatives(pool, searched, best, placement, options);
        double defaultBest = feasible.get(0).packedIterationTimeSeconds();
        SearchStatistics stats = new SearchStatistics(
                pool.enumerated(),
                feasible.size(),
                searched.size(),
                defaultBest,
                screening,
                search.firstFeasibleMillis() < 0 ? -1 : screening + search.firstFeasibleMillis(),
                search.totalMillis(),
                millisSince(start),
                search.scoreCalculations(),
                search.curve().stream()
                        .filter(p -> p.score().hardScore() == 0)
                        .map(p -> new SearchStatistics.CurvePoint(
                                screening + p.millis(), -p.score().softScore() / 1e6))
                        .toList());
        Explanation explanation = Explanations.feasible(request, pool, best, defaultBest, refinement.notes(), space);
        return new PlanResult(
                PlanResult.Status.FEASIBLE, request, request.cluster(), best, alternatives, explanation, stats);
    }

    /**
     * The time limit bounds the whole plan, screening and pool building included: the search gets what is left of it
     * (at least a millisecond, so that a plan whose screening used it all still ends with a complete placement).
     */
    private static Duration searchTimeLimit(Duration timeLimit, long startNanos) {
        if (timeLimit == null) {
            return null;
        }
        // Whole milliseconds: Timefold's spent limit takes no finer unit.
        Duration left = timeLimit.minusMillis((System.nanoTime() - startNanos) / 1_000_000);
        return left.compareTo(MIN_SEARCH_TIME) < 0 ? MIN_SEARCH_TIME : left;
    }

    private static final Duration MIN_SEARCH_TIME = Duration.ofMillis(1);

    /**
     * The layouts the search chooses among: of the best {@value #POOL_SCREEN_FACTOR}× pool size under the default
     * placement, those fastest under the default placement or under any construction order (healthiest nodes chained
     * along fast links, in index order, or grouped by NVLink domain), so that layouts that gain most from a good
     * placement are kept.
     */
    static List<LayoutCandidate> searchPool(List<LayoutCandidate> feasible, SearchSpace space, int poolSize) {
        return rankedByStartOrders(feasible, space, poolSize).stream()
                .map(RankedLayout::candidate)
                .toList();
    }

    /** A layout with its best time over the default node order and the construction orders. */
    record RankedLayout(LayoutCandidate candidate, double seconds) {}

    static List<RankedLayout> rankedByStartOrders(List<LayoutCandidate> feasible, SearchSpace space, int poolSize) {
        int used = space.nodesUsed();
        NodeOrdering.StartOrders starts = NodeOrdering.startOrders(space.cluster(), used, space.gpusPerNodeUsed());
        Placement chain = space.placement(Arrays.copyOf(starts.chained(), used));
        Placement healthy = space.placement(Arrays.copyOf(starts.healthyPacked(), used));
        Placement domains = starts.domainGrouped() == starts.healthyPacked()
                ? healthy
                : space.placement(Arrays.copyOf(starts.domainGrouped(), used));
        return feasible.subList(0, Math.min(feasible.size(), POOL_SCREEN_FACTOR * poolSize)).parallelStream()
                .map(c -> new RankedLayout(
                        c,
                        Math.min(
                                c.packedIterationTimeSeconds(),
                                Math.min(
                                        c.start(chain).iterationTimeSeconds(),
                                        Math.min(
                                                c.start(healthy).iterationTimeSeconds(),
                                                c.start(domains).iterationTimeSeconds())))))
                .sorted(Comparator.comparingDouble(RankedLayout::seconds)
                        .thenComparingInt(r -> r.candidate().id()))
                .limit(poolSize)
                .toList();
    }

    /**
     * The fastest layout for the request under the default node order or either construction order, without the
     * placement search (what the cost-per-token search compares GPU counts by), or empty when no layout fits.
     */
    Optional<RankedLayout> screen(PlanRequest request) {
        SearchSpace space = space(request, request.cluster().cluster());
        List<LayoutCandidate> feasible = screenLayouts(request, space, pool(request, space));
        if (feasible.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(rankedByStartOrders(feasible, space, 1).get(0));
    }

    private CandidatePool pool(PlanRequest request, SearchSpace space) {
        return new CandidatePool(
                costModel,
                request.model(),
                request.globalBatchSequences(),
                request.options().precision(),
                request.framework(),
                space);
    }

    /**
     * The framework's layouts that pass screening, fastest under the default placement first. For MoE models the
     * token-dispatcher and overlap variants of the layouts that screen best with the all-to-all dispatcher are screened
     * in a second round ({@link LayoutSpace#communicationVariants}).
     */
    private static List<LayoutCandidate> screenLayouts(PlanRequest request, SearchSpace space, CandidatePool pool) {
        List<LayoutCandidate> screened = pool.screen(LayoutSpace.enumerate(
                request.model(),
                request.globalBatchSequences(),
                request.gpus(),
                space.gpusPerNodeUsed(),
                space.nvlinkIslandGpus(),
                request.framework(),
                request.options()));
        List<LayoutCandidate> best = screened.stream()
                .filter(c -> Double.isFinite(c.packedIterationTimeSeconds()))
                .limit((long) POOL_SCREEN_FACTOR * request.options().layoutPoolSize())
                .toList();
        List<LayoutSpace.Option> variants = LayoutSpace.communicationVariants(best, request.framework());
        return variants.isEmpty() ? screened : pool.screen(variants);
    }

    private static final int POOL_SCREEN_FACTOR = 4;

    /**
     * Checks without searching that the request's GPU count suits its cluster (at most the usable GPUs; whole nodes, or
     * part of one node), so that a service can refuse such a request before queueing it; the message is the one
     * {@link #plan} fails with.
     */
    public static void checkGpuCount(PlanRequest request) {
        space(request, request.cluster().cluster());
    }

    /** The shape of the placement: whole nodes of g GPUs, or part of one node for fewer GPUs than a node has. */
    static SearchSpace space(PlanRequest request, Cluster cluster) {
        int gpus = request.gpus();
        int g = cluster.gpusPerNode();
        if (gpus < 1) {
            throw new IllegalArgumentException("--gpus must be at least 1, got " + gpus);
        }
        if (gpus > cluster.gpuCount()) {
            throw new IllegalArgumentException("requested " + gpus + " GPUs but cluster '"
                    + request.cluster().name()
                    + "' has " + cluster.gpuCount() + " usable (" + cluster.nodeCount() + " nodes x " + g
                    + " GPUs after exclusions)");
        }
        if (gpus < g) {
            return new SearchSpace(cluster, 1, gpus, request.options().headroomFraction());
        }
        if (gpus % g != 0) {
            throw new IllegalArgumentException("requested " + gpus + " GPUs, which is not a whole number of nodes of "
                    + g + " GPUs; use a multiple of " + g);
        }
        return new SearchSpace(cluster, gpus / g, g, request.options().headroomFraction());
    }

    /**
     * The search ends on a placement found for its last layout; another pool layout can be faster on that very
     * placement (the layout-change move is rare near the end), so the fastest one that fits there is kept.
     */
    private static LayoutCandidate fastestOnPlacement(
            CandidatePool pool,
            List<LayoutCandidate> searched,
            LayoutCandidate chosen,
            Placement placement,
            double headroomFraction) {
        LayoutCandidate fastest = chosen;
        double fastestSeconds = pool.estimate(chosen, placement).iterationTimeSeconds();
        for (LayoutCandidate candidate : searched) {
            Estimate estimate = pool.estimate(candidate, placement);
            if (estimate.fits(headroomFraction) && estimate.iterationTimeSeconds() < fastestSeconds * (1 - 1e-9)) {
                fastest = candidate;
                fastestSeconds = estimate.iterationTimeSeconds();
            }
        }
        return fastest;
    }

    /** The best placement of each other layout is approximated by the chosen node order (no extra search). */
    private static List<PlannedLayout> alternatives(
            CandidatePool pool,
            List<LayoutCandidate> searched,
            PlannedLayout best,
            Placement placement,
            SearchOptions options) {
        List<PlannedLayout> evaluated = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        seen.add(best.describe());
        for (LayoutCandidate candidate : searched) {
            if (!seen.add(candidate.describe())) {
                continue;
            }
            Estimate estimate = pool.estimate(candidate, placement);
            if (estimate.fits(options.headroomFraction())) {
                evaluated.add(new PlannedLayout(candidate.layout(), candidate.microBatchSequences(), estimate));
            }
        }
        evaluated.sort(Comparator.comparingDouble(p -> p.estimate().iterationTimeSeconds()));
        return List.copyOf(evaluated.subList(0, Math.min(evaluated.size(), Math.max(0, options.topK() - 1))));
    }

    private static int nodesWithGpusReordered(Placement placement) {
        int reordered = 0;
        for (int slot = 0; slot < placement.nodesUsed(); slot++) {
            for (int local = 0; local < placement.gpusPerNodeUsed(); local++) {
                if (placement.gpuAt(slot, local) != local) {
                    reordered++;
                    break;
                }
            }
        }
        return reordered;
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
