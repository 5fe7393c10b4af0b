package dev.trainingplanner.engine.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Cost per token with a free GPU count. Every candidate count is screened (its fastest layout under the default and
 * the construction node orders); the counts with the lowest screened cost per token within the iteration-time bound
 * then get the full placement search, and the lowest planned cost wins (ties go to more GPUs, which finish sooner at
 * the same cost).
 *
 * <p>Candidate counts: powers of two below one node, then 1, 2, 3, 4, 6, 8, 12, ... nodes (powers of two and 1.5×
 * them, so both batch-friendly and in-between sizes are seen) and the largest count, all at most the request's GPUs.
 * Layout divisibility (global batch by data-parallel degree, heads by tensor-parallel degree) removes many counts at
 * screening.
 */
public final class GpuCountSearch {

    /** Counts that get the full placement search after screening. */
    static final int FULL_SEARCHES = 3;

    private final Planner planner;

    public GpuCountSearch(Planner planner) {
        this.planner = planner;
    }

    /** Plans on the best GPU count up to {@code request.gpus()}. */
    public CostPerTokenResult plan(PlanRequest request, CostPerTokenGoal goal) {
        return plan(request, goal, progress -> {});
    }

    /** As {@link #plan(PlanRequest, CostPerTokenGoal)}, reporting the progress of each full search. */
    public CostPerTokenResult plan(PlanRequest request, CostPerTokenGoal goal, SearchProgressListener listener) {
        int maxGpus = request.gpus();
        // The largest count must be one a fixed-count request could ask for (whole nodes, at most the cluster).
        Planner.space(request, request.cluster().cluster());
        double tokens =
                (double) request.globalBatchSequences() * request.model().sequenceLength();
        List<GpuCountCandidate> screened = new ArrayList<>();
        for (int gpus : candidateCounts(maxGpus, request.cluster().cluster().gpusPerNode())) {
            Optional<Planner.RankedLayout> best = planner.screen(withGpus(request, gpus));
            if (best.isEmpty()) {
                screened.add(candidate(
                        gpus,
                        false,
                        null,
                        Double.NaN,
                        tokens,
                        goal,
                        "no layout passes screening (divisibility, framework rules or memory)"));
                continue;
            }
            double seconds = best.get().seconds();
            String note = withinBound(seconds, goal) ? null : boundNote(seconds, goal);
            screened.add(candidate(gpus, false, best.get().candidate().describe(), seconds, tokens, goal, note));
        }
        List<GpuCountCandidate> toSearch = screened.stream()
                .filter(c -> c.layout() != null && c.note() == null)
                .sorted(Comparator.comparingDouble(GpuCountCandidate::gpuHoursPerMillionTokens)
                        .thenComparing(
                                Comparator.comparingInt(GpuCountCandidate::gpus).reversed()))
                .limit(FULL_SEARCHES)
                .toList();
        PlanResult chosen = null;
        double chosenCost = Double.POSITIVE_INFINITY;
        List<GpuCountCandidate> all = new ArrayList<>(screened);
        for (GpuCountCandidate count : toSearch) {
            PlanResult plan = planner.plan(withGpus(request, count.gpus()), listener);
            all.remove(count);
            if (!plan.feasible()) {
                all.add(candidate(count.gpus(), true, null, Double.NaN, tokens, goal, "no placement fits"));
                continue;
            }
            double seconds = plan.best().estimate().iterationTimeSeconds();
            String note = withinBound(seconds, goal) ? null : boundNote(seconds, goal);
            GpuCountCandidate planned =
                    candidate(count.gpus(), true, plan.best().describe(), seconds, tokens, goal, note);
            all.add(planned);
            if (note == null && cheaper(planned, chosenCost, chosen)) {
                chosen = plan;
                chosenCost = planned.gpuHoursPerMillionTokens();
            }
        }
        if (chosen == null) {
            // No searched count qualified: the largest count's plan, which says why nothing fits, or is the only
            // plan left (and then within the bound or not).
            chosen = planner.plan(request, listener);
            if (chosen.feasible()) {
                double seconds = chosen.best().estimate().iterationTimeSeconds();
                String note = withinBound(seconds, goal) ? null : boundNote(seconds, goal);
                all.removeIf(c -> c.gpus() == maxGpus);
                all.add(candidate(maxGpus, true, chosen.best().describe(), seconds, tokens, goal, note));
                if (note != null) {
                    chosen = infeasible(chosen, noCountReason(goal));
                }
            }
        }
        all.sort(Comparator.comparingInt(GpuCountCandidate::gpus));
        return new CostPerTokenResult(chosen, goal, maxGpus, List.copyOf(all));
    }

    /** Lower cost, or the same cost (to 1e-9) on more GPUs: the same GPU-hours per token, trained sooner. */
    private static boolean cheaper(GpuCountCandidate planned, double chosenCost, PlanResult chosen) {
        double cost = planned.gpuHoursPerMillionTokens();
        if (chosen == null || cost < chosenCost * (1 - 1e-9)) {
            return true;
        }
        return cost <= chosenCost * (1 + 1e-9)
                && planned.gpus() > chosen.request().gpus();
    }

    static List<Integer> candidateCounts(int maxGpus, int gpusPerNode) {
        TreeSet<Integer> counts = new TreeSet<>();
        for (int gpus = 1; gpus < gpusPerNode && gpus <= maxGpus; gpus *= 2) {
            counts.add(gpus);
        }
        int maxNodes = maxGpus / gpusPerNode;
        for (long nodes = 1; nodes <= maxNodes; nodes *= 2) {
            counts.add((int) nodes * gpusPerNode);
            if (nodes * 3 / 2 > nodes && nodes * 3 / 2 <= maxNodes) {
                counts.add((int) (nodes * 3 / 2) * gpusPerNode);
            }
        }
        if (maxNodes >= 1) {
            counts.add(maxNodes * gpusPerNode);
        } else {
            counts.add(maxGpus);
        }
        return List.copyOf(counts);
    }

    /**
     * The request on {@code gpus} GPUs. A wall-clock limit is the budget of the whole comparison, so each of the full
     * searches gets its share.
     */
    private static PlanRequest withGpus(PlanRequest request, int gpus) {
        SearchOptions options = request.options();
        if (options.timeLimit() != null) {
            options = options.withTimeLimit(options.timeLimit().dividedBy(FULL_SEARCHES));
        }
        return new PlanRequest(
                request.cluster(), request.model(), request.globalBatchSequences(), gpus, request.framework(), options);
    }

    private static GpuCountCandidate candidate(
            int gpus,
            boolean searched,
            String layout,
            double seconds,
            double tokensPerIteration,
            CostPerTokenGoal goal,
            String note) {
        double gpuHoursPerMillion = gpus * seconds / tokensPerIteration * 1e6 / 3600.0;
        double cost = goal.gpuHourPrice() == null ? Double.NaN : gpuHoursPerMillion * goal.gpuHourPrice();
        return new GpuCountCandidate(gpus, searched, layout, seconds, gpuHoursPerMillion, cost, note);
    }

    private static boolean withinBound(double seconds, CostPerTokenGoal goal) {
        return goal.maxIterationSeconds() == null || seconds <= goal.maxIterationSeconds();
    }

    private static String boundNote(double seconds, CostPerTokenGoal goal) {
        return String.format(
                Locale.ROOT, "iteration %.3f s is over the %.3f s bound", seconds, goal.maxIterationSeconds());
    }

    private static String noCountReason(CostPerTokenGoal goal) {
        return String.format(
                Locale.ROOT,
                "no GPU count has a plan within the %.3f s iteration-time bound",
                goal.maxIterationSeconds());
    }

    /** The largest count's plan, marked infeasible because it misses the iteration-time bound. */
    private static PlanResult infeasible(PlanResult plan, String reason) {
        Explanation e = plan.explanation();
        List<String> reasons = new ArrayList<>(e.infeasibility());
        reasons.add(reason);
        Explanation explanation =
                new Explanation(reason, e.dominantTerms(), e.bindingConstraints(), e.notes(), List.copyOf(reasons));
        return new PlanResult(
                PlanResult.Status.INFEASIBLE,
                plan.request(),
                plan.cluster(),
                null,
                List.of(),
                explanation,
                plan.statistics());
    }
}
