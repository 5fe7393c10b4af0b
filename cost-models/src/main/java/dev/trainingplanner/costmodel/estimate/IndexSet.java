package dev.trainingplanner.costmodel.estimate;

/** A set of indices in 0..n-1 with O(1) add and clear proportional to its size, kept in insertion order. */
final class IndexSet {

    private final boolean[] member;
    private final int[] items;
    private int size;

    IndexSet(int n) {
        member = new boolean[n];
        items = new int[n];
    }

    void add(int index) {
        if (!member[index]) {
            member[index] = true;
            items[size++] = index;
        }
    }

    int size() {
        return size;
    }

    int get(int k) {
        return items[k];
    }

    void clear() {
        for (int k = 0; k < size; k++) {
            member[items[k]] = false;
        }
        size = 0;
    }
}
