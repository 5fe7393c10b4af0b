package dev.trainingplanner.engine.solver;

/** Turning one GPU order of a node into another by swaps of local positions. */
final class GpuOrders {

    /** Receives each swap of two local positions. */
    @FunctionalInterface
    interface LocalSwap {
        void swap(int localA, int localB);
    }

    private GpuOrders() {}

    /**
     * Swaps positions of {@code order} (in place) until it equals {@code target}, a permutation of the same GPUs,
     * telling {@code onSwap} each swap: at most g − 1 swaps, each fixing one position from the left.
     */
    static void swapInto(int[] order, int[] target, LocalSwap onSwap) {
        for (int local = 0; local < order.length; local++) {
            if (order[local] == target[local]) {
                continue;
            }
            int other = local + 1;
            while (order[other] != target[local]) {
                other++;
            }
            onSwap.swap(local, other);
            order[other] = order[local];
            order[local] = target[local];
        }
    }
}
