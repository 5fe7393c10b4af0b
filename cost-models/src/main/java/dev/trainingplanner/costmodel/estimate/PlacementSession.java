package dev.trainingplanner.costmodel.estimate;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.placement.Placement;

/**
 * Incremental re-evaluation for placement search. A swap re-prices only the TP, CP and DP groups and pipeline hops
 * that contain a moved rank, each once, then the pipelines of the affected replicas; maxima are kept in segment trees,
 * so a swap costs O(affected groups · group size + log n), not O(GPUs). Not thread-safe.
 */
public final class PlacementSession {

    private final PlacementEvaluator evaluator;
    private final PreparedLayout prep;
    /** Pipeline time per replica: the slowest sets the pace. */
    private final MaxTree replicaTree;
    /** Exposed time per DP ring (stage, TP rank): the worst is on the critical path. */
    private final MaxTree dpTree;

    // Groups that contain a moved rank, collected before pricing so that each is priced once per swap.
    private final IndexSet tensorGroups;
    private final IndexSet contextGroups;
    private final IndexSet pipelineHops;
    private final IndexSet dataRings;
    private final IndexSet replicas;
    /** Stages whose expert-parallel or expert-DP groups contain a moved rank (MoE layouts only). */
    private final IndexSet expertStages;

    PlacementSession(PlacementEvaluator evaluator) {
        this.evaluator = evaluator;
        this.prep = evaluator.prep();
        int dp = prep.dp;
        this.replicaTree = new MaxTree(dp);
        for (int d = 0; d < dp; d++) {
            replicaTree.setLeaf(d, evaluator.replica[d]);
        }
        replicaTree.rebuild();
        this.dpTree = new MaxTree(evaluator.dpExposed.length);
        for (int ring = 0; ring < evaluator.dpExposed.length; ring++) {
            dpTree.setLeaf(ring, evaluator.dpExposed[ring]);
        }
        dpTree.rebuild();
        this.tensorGroups = new IndexSet(evaluator.tpStage.length);
        this.contextGroups = new IndexSet(evaluator.cpExposed.length);
        this.pipelineHops = new IndexSet(evaluator.p2pHop.length);
        this.dataRings = new IndexSet(evaluator.dpExposed.length);
        this.replicas = new IndexSet(dp);
        this.expertStages = new IndexSet(prep.pp);
    }

    public double iterationTimeSeconds() {
        return replicaTree.max() * evaluator.stragglerFactor + dpTree.max() + prep.optimizerSeconds;
    }

    public Placement placement() {
        return evaluator.placement;
    }

    public Estimate estimate() {
        return evaluator.estimate(replicaTree.argMax(), dpTree.max());
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
        reprice(slot * g + localA, 1, slot * g + localB, 1);
    }

    private static void checkSlot(int slot, Placement placement) {
        InvalidInputException.require(
                slot >= 0 && slot < placement.nodesUsed(),
                "node slot must be within 0.." + (placement.nodesUsed() - 1) + ", got " + slot);
    }

    private void reprice(int firstA, int countA, int firstB, int countB) {
        collectGroups(firstA, countA);
        collectGroups(firstB, countB);
        int tp = prep.tp;
        int cp = prep.cp;
        int dp = prep.dp;
        // A stage's expert groups span its replicas: re-pricing them re-prices every DP ring and replica of the stage.
        for (int k = 0; k < expertStages.size(); k++) {
            int stage = expertStages.get(k);
            evaluator.priceExpertGroups(stage);
            for (int j = 0; j < tp; j++) {
                dataRings.add(stage * tp + (evaluator.ringsShareNodePairs ? 0 : j));
            }
            for (int d = 0; d < dp; d++) {
                replicas.add(d);
            }
        }
        for (int k = 0; k < tensorGroups.size(); k++) {
            int group = tensorGroups.get(k);
            evaluator.priceTensorGroup(group / (cp * dp), group / cp % dp, group % cp);
        }
        for (int k = 0; k < contextGroups.size(); k++) {
            int group = contextGroups.get(k);
            evaluator.priceContextGroup(group / (tp * dp), group / tp % dp, group % tp);
        }
        for (int k = 0; k < pipelineHops.size(); k++) {
            int hop = pipelineHops.get(k);
            evaluator.pricePipelineHop(hop / dp, hop % dp);
        }
        for (int k = 0; k < dataRings.size(); k++) {
            int ring = dataRings.get(k);
            if (evaluator.ringsShareNodePairs) {
                double exposed = evaluator.priceSharedDataRings(ring / tp);
                for (int j = 0; j < tp; j++) {
                    dpTree.set(ring + j, exposed);
                }
            } else {
                dpTree.set(ring, evaluator.priceDataRing(ring / tp, ring % tp));
            }
        }
        for (int k = 0; k < replicas.size(); k++) {
            int data = replicas.get(k);
            replicaTree.set(data, evaluator.replicaTime(data));
        }
        tensorGroups.clear();
        contextGroups.clear();
        pipelineHops.clear();
        dataRings.clear();
        replicas.clear();
        expertStages.clear();
    }

    /** Marks the TP and CP groups, pipeline hops, DP rings and replicas that contain a rank of the range. */
    private void collectGroups(int first, int count) {
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
            tensorGroups.add((stage * dp + data) * cp + context);
            if (cp > 1) {
                contextGroups.add((stage * dp + data) * tp + tensor);
            }
            pipelineHops.add(stage * dp + data);
            if (stage > 0) {
                pipelineHops.add((stage - 1) * dp + data);
            }
            // Rings that share node pairs are priced once per stage, as the ring of TP rank 0.
            dataRings.add(stage * tp + (evaluator.ringsShareNodePairs ? 0 : tensor));
            replicas.add(data);
            if (prep.expertCommunication) {
                expertStages.add(stage);
            }
        }
    }
}
