package dev.trainingplanner.costmodel.estimate;

import java.util.Arrays;

/** A fixed-size max segment tree: O(log n) point update, O(1) maximum. */
final class MaxTree {

    private final int size;
    private final double[] tree;

    MaxTree(int n) {
        int s = 1;
        while (s < Math.max(1, n)) {
            s <<= 1;
        }
        size = s;
        tree = new double[2 * s];
        Arrays.fill(tree, Double.NEGATIVE_INFINITY);
    }

    void set(int index, double value) {
        int i = index + size;
        tree[i] = value;
        for (i >>= 1; i >= 1; i >>= 1) {
            tree[i] = Math.max(tree[2 * i], tree[2 * i + 1]);
        }
    }

    /** Sets without updating parents; call {@link #rebuild()} after a batch of these. */
    void setLeaf(int index, double value) {
        tree[index + size] = value;
    }

    void rebuild() {
        for (int i = size - 1; i >= 1; i--) {
            tree[i] = Math.max(tree[2 * i], tree[2 * i + 1]);
        }
    }

    double max() {
        return tree[1];
    }

    /** Index of a leaf holding the maximum. */
    int argMax() {
        int i = 1;
        while (i < size) {
            i = tree[2 * i] >= tree[2 * i + 1] ? 2 * i : 2 * i + 1;
        }
        return i - size;
    }
}
