package dev.trainingplanner.engine.baseline;

import dev.trainingplanner.engine.layout.LayoutCandidate;
import dev.trainingplanner.engine.solver.SearchSpace;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Pipette-style search (prior-art.md §1.4): for every layout, simulated annealing over a permutation of the nodes with
 * Pipette's five TSP operators (two_opt, insert, swap, insert_route, insert_reversed) chosen uniformly, a random initial
 * permutation, T₀ = 1, geometric cooling 0.999 per iteration and Pipette's normalised acceptance
 * exp(−Δ'/T) with Δ' = Δ/10^(⌊log10 Δ⌋+1). The score is the same cost model as the engine's and the evaluation
 * budget is split evenly over the layouts, so both searches get the same number of evaluations. Unlike Pipette's
 * wall-clock stop, the budget is counted, so runs are reproducible.
 */
public final class PipetteAnnealing {

    /** The best plan found and how many placements were evaluated. */
    public record Result(LayoutCandidate layout, int[] nodeOrder, double iterationTimeSeconds, long evaluations) {}

    private static final double INITIAL_TEMPERATURE = 1.0;
    private static final double COOLING = 0.999;

    private PipetteAnnealing() {}

    public static Result solve(List<LayoutCandidate> layouts, SearchSpace space, long evaluationBudget, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long perLayout = Math.max(1, evaluationBudget / Math.max(1, layouts.size()));
        Result best = null;
        long evaluations = 0;
        for (LayoutCandidate layout : layouts) {
            Result result = anneal(layout, space, perLayout, random.split());
            evaluations += result.evaluations();
            if (best == null || result.iterationTimeSeconds() < best.iterationTimeSeconds()) {
                best = result;
            }
        }
        return best == null
                ? null
                : new Result(best.layout(), best.nodeOrder(), best.iterationTimeSeconds(), evaluations);
    }

    private static Result anneal(LayoutCandidate layout, SearchSpace space, long budget, SplittableRandom random) {
        int n = space.cluster().nodeCount();
        int[] current = new int[n];
        for (int i = 0; i < n; i++) {
            current[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            swap(current, i, random.nextInt(i + 1));
        }
        double currentCost = cost(layout, space, current);
        long evaluations = 1;
        int[] best = current.clone();
        double bestCost = currentCost;
        double temperature = INITIAL_TEMPERATURE;
        while (evaluations < budget && n >= 2) {
            int[] candidate = neighbour(current, random);
            double cost = cost(layout, space, candidate);
            evaluations++;
            double delta = cost - currentCost;
            if (delta <= 0 || random.nextDouble() < Math.exp(-normalised(delta) / temperature)) {
                current = candidate;
                currentCost = cost;
                if (cost < bestCost) {
                    bestCost = cost;
                    best = candidate.clone();
                }
            }
            temperature *= COOLING;
        }
        int[] used = new int[space.nodesUsed()];
        System.arraycopy(best, 0, used, 0, used.length);
        return new Result(layout, used, bestCost, evaluations);
    }

    /** Pipette's Δ' = Δ / 10^(⌊log10 Δ⌋ + 1), in (0.1, 1]. */
    private static double normalised(double delta) {
        if (!Double.isFinite(delta)) {
            return 1.0;
        }
        return delta / Math.pow(10, Math.floor(Math.log10(delta)) + 1);
    }

    private static double cost(LayoutCandidate layout, SearchSpace space, int[] permutation) {
        int[] used = new int[space.nodesUsed()];
        System.arraycopy(permutation, 0, used, 0, used.length);
        int g = space.gpusPerNodeUsed();
        for (int slot = 0; slot < used.length; slot++) {
            for (int local = 0; local < g; local++) {
                double capacity = space.cluster().usableMemoryBytes(used[slot], local) * (1 - space.headroomFraction());
                if (layout.memoryNeedBytes(slot * g + local) > capacity) {
                    return Double.POSITIVE_INFINITY;
                }
            }
        }
        return layout.start(space.placement(used)).iterationTimeSeconds();
    }

    private static int[] neighbour(int[] current, SplittableRandom random) {
        int n = current.length;
        int[] next = current.clone();
        int i = random.nextInt(n);
        int j = random.nextInt(n - 1);
        if (j >= i) {
            j++;
        }
        int a = Math.min(i, j);
        int b = Math.max(i, j);
        switch (random.nextInt(5)) {
            case 0 -> reverse(next, a, b); // two_opt
            case 1 -> insert(next, i, j, 1, false); // insert one node
            case 2 -> swap(next, i, j);
            case 3 -> insert(next, a, b, Math.max(1, random.nextInt(b - a + 1)), false); // insert_route
            default -> insert(next, a, b, Math.max(1, random.nextInt(b - a + 1)), true); // insert_reversed
        }
        return next;
    }

    /** Moves the run of {@code length} elements starting at {@code from} to position {@code to}. */
    private static void insert(int[] order, int from, int to, int length, boolean reversed) {
        int n = order.length;
        length = Math.min(length, n - from);
        int[] run = new int[length];
        System.arraycopy(order, from, run, 0, length);
        if (reversed) {
            reverse(run, 0, length - 1);
        }
        int[] rest = new int[n - length];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (i < from || i >= from + length) {
                rest[k++] = order[i];
            }
        }
        int at = Math.min(to, rest.length);
        System.arraycopy(rest, 0, order, 0, at);
        System.arraycopy(run, 0, order, at, length);
        System.arraycopy(rest, at, order, at + length, rest.length - at);
    }

    private static void reverse(int[] order, int from, int to) {
        while (from < to) {
            swap(order, from++, to--);
        }
    }

    private static void swap(int[] order, int i, int j) {
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}
