package dev.trainingplanner.costmodel.cluster;

import java.util.Arrays;

/**
 * Open-addressing map from non-negative long keys to doubles, so that sparse node-pair measurements of a 16,384-GPU
 * cluster are looked up in O(1) without boxing.
 */
final class LongDoubleMap {

    private long[] keys;
    private double[] values;
    private int size;

    LongDoubleMap() {
        keys = new long[16];
        values = new double[16];
        Arrays.fill(keys, -1);
    }

    LongDoubleMap(LongDoubleMap other) {
        keys = other.keys.clone();
        values = other.values.clone();
        size = other.size;
    }

    double get(long key, double fallback) {
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k < 0) {
                return fallback;
            }
            i = (i + 1) & mask;
        }
    }

    void put(long key, double value) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        while (keys[i] >= 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (keys[i] < 0) {
            size++;
        }
        keys[i] = key;
        values[i] = value;
    }

    /** The keys present, in no particular order. */
    long[] keys() {
        long[] present = new long[size];
        int n = 0;
        for (long key : keys) {
            if (key >= 0) {
                present[n++] = key;
            }
        }
        return present;
    }

    private void grow() {
        long[] oldKeys = keys;
        double[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new double[oldKeys.length * 2];
        Arrays.fill(keys, -1);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] >= 0) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    /** MurmurHash3's 64-bit finaliser: structured keys (a·N + b) must not cluster in the low bits. */
    private static int mix(long key) {
        long h = key;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h;
    }
}
