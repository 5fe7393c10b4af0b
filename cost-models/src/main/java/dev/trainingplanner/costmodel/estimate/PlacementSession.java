package dev.trainingplanner.costmodel.estimate;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.placement.Placement;

/**
 * Incremental re-evaluation for placement search. A swap re-prices only the TP, CP and DP groups and pipeline hops
 * that contain a moved rank, then the pipelines of the affected replicas; maxima are kept in segment trees, so a swap
 * costs O(affected groups · group size + log n), not O(GPUs). Not thread-safe.
 */
public final class PlacementSession {

    private final PlacementEvaluator evaluator;
    private final boolean[] replicaDirty;
    private final int[] dirtyReplicas;
    private final boolean[] ringDirty;
    private final int[] dirtyRings;

    PlacementSession(PlacementEvaluator evaluator) {
        this.evaluator = evaluator;
        int dp = evaluator.replica.length;
        this.replicaDirty = new boolean[dp];
        this.dirtyReplicas = new int[dp];
        this.ringDirty = new boolean[evaluator.dpExposed.length];
        this.dirtyRings = new int[evaluator.dpExposed.length];
    }

    public double iterationTimeSeconds() {
        return evaluator.iterationSeconds();
    }

    public Placement placement() {
        return evaluator.placement;
    }

    public Estimate estimate() {
        return evaluator.estimate();
    }

    /** Swaps the nodes at positions {@code slotA} and {@code slotB} of the node order (with their GPU orders). */
    public void swapNodes(int slotA, int slotB) {
        Placement current = evaluator.placement;
        checkSlot(slotA, current);
        checkSlot(slotB, current);
        if (slotA == slotB) {
            return;
        }
        evaluator.placement = current.withNodesSwapped(slotA, slotB);
        evaluator.refreshSlot(slotA);
        evaluator.refreshSlot(slotB);
        int g = current.gpusPerNodeUsed();
        reprice(slotA * g, g, slotB * g, g);
    }

    /** Swaps local GPU positions {@code localA} and {@code localB} of the node at position {@code slot}. */
    public void swapGpus(int slot, int localA, int localB) {
        Placement current = evaluator.placement;
        checkSlot(slot, current);
        int g = current.gpusPerNodeUsed();
        InvalidInputException.require(
                localA >= 0 && localA < g && localB >= 0 && localB < g,
                "local GPU positions must be within 0.." + (g - 1) + ", got " + localA + " and " + localB);
        if (localA == localB) {
            return;
        }
        evaluator.placement = current.withGpusSwapped(slot, localA, localB);
        evaluator.refreshSlot(slot);
        reprice(slot * g + localA, 1, slot * g + localB, 1);
    }

    private static void checkSlot(int slot, Placement placement) {
        InvalidInputException.require(
                slot >= 0 && slot < placement.nodesUsed(),
                "node slot must be within 0.." + (placement.nodesUsed() - 1) + ", got " + slot);
    }

    private void reprice(int firstA, int countA, int firstB, int countB) {
        int replicas = markRanks(firstA, countA, 0);
        replicas = markRanks(firstB, countB, replicas);
        int rings = markRings(firstA, countA, 0);
        rings = markRings(firstB, countB, rings);
        for (int k = 0; k < rings; k++) {
            int ring = dirtyRings[k];
            ringDirty[ring] = false;
            int tp = evaluator.prep().tp;
            evaluator.dpTree.set(ring, evaluator.priceDataRing(ring / tp, ring % tp));
        }
        for (int k = 0; k < replicas; k++) {
            int data = dirtyReplicas[k];
            replicaDirty[data] = false;
            evaluator.replicaTree.set(data, evaluator.replicaTime(data));
        }
    }

    /** Re-prices the TP, CP groups and pipeline hops of the ranks, and marks their replicas. */
    private int markRanks(int first, int count, int replicas) {
        PreparedLayout prep = evaluator.prep();
        int tp = prep.tp;
        int cp = prep.cp;
        int dp = prep.dp;
        for (int r = first; r < first + count; r++) {
            int tensor = r % tp;
            int rest = r / tp;
            int context = rest % cp;
            rest /= cp;
            int data = rest % dp;
            int stage = rest / dp;
            evaluator.priceTensorGroup(stage, data, context);
            evaluator.priceContextGroup(stage, data, tensor);
            evaluator.pricePipelineHop(stage, data);
            if (stage > 0) {
                evaluator.pricePipelineHop(stage - 1, data);
            }
            if (!replicaDirty[data]) {
                replicaDirty[data] = true;
                dirtyReplicas[replicas++] = data;
            }
        }
        return replicas;
    }

    private int markRings(int first, int count, int rings) {
        PreparedLayout prep = evaluator.prep();
        int tp = prep.tp;
        int perStage = tp * prep.cp * prep.dp;
        for (int r = first; r < first + count; r++) {
            int ring = (r / perStage) * tp + r % tp;
            if (!ringDirty[ring]) {
                ringDirty[ring] = true;
                dirtyRings[rings++] = ring;
            }
        }
        return rings;
    }
}
