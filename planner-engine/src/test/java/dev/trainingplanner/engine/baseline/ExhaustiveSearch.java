package dev.trainingplanner.engine.baseline;

import dev.trainingplanner.engine.layout.LayoutCandidate;
import dev.trainingplanner.engine.solver.SearchSpace;
import java.util.List;

/**
 * Exhaustive search over layouts and node orders, for small clusters: every ordered choice of the used nodes (n!/(n−u)!
 * orders) for every layout. Nodes with identical links and GPUs are interchangeable, so orders that differ only by a
 * permutation of such nodes are evaluated once.
 */
public final class ExhaustiveSearch {

    /** The optimum found and how many placements were evaluated. */
    public record Result(LayoutCandidate layout, int[] nodeOrder, double iterationTimeSeconds, long evaluations) {}

    private ExhaustiveSearch() {}

    public static Result solve(List<LayoutCandidate> layouts, SearchSpace space) {
        int[] nodeClass = NodeSymmetry.classes(space.cluster(), space.gpusPerNodeUsed());
        Result best = null;
        long evaluations = 0;
        for (LayoutCandidate layout : layouts) {
            Search search = new Search(layout, space, nodeClass);
            search.run();
            evaluations += search.evaluations;
            if (best == null || search.bestSeconds < best.iterationTimeSeconds()) {
                best = new Result(layout, search.bestOrder, search.bestSeconds, 0);
            }
        }
        return best == null
                ? null
                : new Result(best.layout(), best.nodeOrder(), best.iterationTimeSeconds(), evaluations);
    }

    private static final class Search {
        private final LayoutCandidate layout;
        private final SearchSpace space;
        private final int[] nodeClass;
        private final int[] order;
        private final boolean[] taken;
        private double bestSeconds = Double.POSITIVE_INFINITY;
        private int[] bestOrder;
        private long evaluations;

        Search(LayoutCandidate layout, SearchSpace space, int[] nodeClass) {
            this.layout = layout;
            this.space = space;
            this.nodeClass = nodeClass;
            this.order = new int[space.nodesUsed()];
            this.taken = new boolean[space.cluster().nodeCount()];
        }

        void run() {
            extend(0);
        }

        private void extend(int position) {
            if (position == order.length) {
                evaluations++;
                double seconds = layout.start(space.placement(order)).iterationTimeSeconds();
                if (!fits()) {
                    return;
                }
                if (seconds < bestSeconds) {
                    bestSeconds = seconds;
                    bestOrder = order.clone();
                }
                return;
            }
            for (int node = 0; node < taken.length; node++) {
                if (taken[node] || !firstFreeOfClass(node)) {
                    continue;
                }
                taken[node] = true;
                order[position] = node;
                extend(position + 1);
                taken[node] = false;
            }
        }

        /** Symmetry: among free interchangeable nodes only the lowest index is tried at a position. */
        private boolean firstFreeOfClass(int node) {
            for (int other = 0; other < node; other++) {
                if (!taken[other] && nodeClass[other] == nodeClass[node]) {
                    return false;
                }
            }
            return true;
        }

        private boolean fits() {
            int g = space.gpusPerNodeUsed();
            for (int slot = 0; slot < order.length; slot++) {
                for (int local = 0; local < g; local++) {
                    double capacity =
                            space.cluster().usableMemoryBytes(order[slot], local) * (1 - space.headroomFraction());
                    if (layout.memoryNeedBytes(slot * g + local) > capacity) {
                        return false;
                    }
                }
            }
            return true;
        }
    }
}
