package dev.trainingplanner.engine.layout;

import dev.trainingplanner.costmodel.placement.Placement;

/**
 * Incremental evaluation of one layout while its placement changes: a swap re-evaluates only the parallel groups it
 * touches (backed by the cost model's placement session).
 */
public interface PlacementCostSession {

    double iterationTimeSeconds();

    /** Exchanges the nodes (with their GPU orders) at two positions of the node order. */
    void swapNodes(int slotA, int slotB);

    /** Exchanges two local GPU positions of the node at position {@code slot} of the node order. */
    void swapGpus(int slot, int localA, int localB);

    Placement placement();
}
