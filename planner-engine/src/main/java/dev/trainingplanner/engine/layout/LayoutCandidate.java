package dev.trainingplanner.engine.layout;

import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.placement.Placement;
import java.util.function.Function;

/**
 * One launchable layout (with its micro-batch size) that passed every placement-independent check, prepared for fast
 * evaluation under many placements. A planning value of the layout variable.
 *
 * @param id position in the enumeration, for deterministic ordering
 * @param memoryNeedBytesByStage peak memory every rank of a pipeline stage needs, wherever it runs
 * @param packedIterationTimeSeconds predicted time with the default placement (ranks packed by node)
 * @param sessions starts an incremental evaluation at a placement
 */
public record LayoutCandidate(
        int id,
        Layout layout,
        int microBatchSequences,
        double[] memoryNeedBytesByStage,
        double packedIterationTimeSeconds,
        Function<Placement, PlacementCostSession> sessions) {

    /** Memory that global {@code rank} needs (ranks are grouped by stage: tensor fastest, pipeline slowest). */
    public double memoryNeedBytes(int rank) {
        int perStage = layout.worldSize() / layout.pp();
        return memoryNeedBytesByStage[rank / perStage];
    }

    public PlacementCostSession start(Placement placement) {
        return sessions.apply(placement);
    }

    /** A short human-readable name such as {@code tp8 pp4 dp8 cp1 vpp2 sp mb1 zero1 recompute=selective}. */
    public String describe() {
        return LayoutDescriptions.describe(layout, microBatchSequences);
    }

    @Override
    public String toString() {
        return describe();
    }
}
