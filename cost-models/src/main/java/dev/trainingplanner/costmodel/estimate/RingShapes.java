package dev.trainingplanner.costmodel.estimate;

/**
 * How the TP and DP rings of a layout lie on nodes of {@code gpusPerSlot} used GPUs, in Megatron rank order: members
 * on the first member's node and the number of nodes the ring spans. The hierarchical collectives of cost-models.md
 * §4.4 are priced on these shapes, so they follow the GPUs the placement uses per node, not the cluster's.
 */
record RingShapes(
        int gpusPerSlot,
        int tpMembersPerSlot,
        int tpSlots,
        int dpMembersPerSlot,
        int dpSlots,
        int secondaryMembersPerSlot,
        int secondarySlots) {

    /**
     * The shapes of a layout with {@code tp}-wide TP groups, {@code shards} DP members of stride tp, and ZeRO-3
     * backward all-gathers in subgroups of {@code secondary} of those members (0 when they run on the whole ring).
     */
    static RingShapes of(int gpusPerSlot, int tp, int shards, int secondary) {
        int[] tpShape = ringShape(0, 1, tp, gpusPerSlot);
        int[] dpShape = ringShape(0, tp, shards, gpusPerSlot);
        // A subgroup fills the DP members that share a node (a node holds g / tp of them), then spans nodes.
        int members = Math.max(1, secondary);
        int perSlot = Math.max(1, Math.min(members, gpusPerSlot / Math.max(1, Math.min(gpusPerSlot, tp))));
        return new RingShapes(
                gpusPerSlot,
                tpShape[0],
                tpShape[1],
                dpShape[0],
                dpShape[1],
                Math.min(perSlot, members),
                Math.max(1, (members + perSlot - 1) / perSlot));
    }

    /**
     * Members of a ring on the first member's slot, and the number of slots the ring spans, for the ring of
     * {@code members} ranks {@code base, base + stride, ...} on slots of {@code g} ranks (at least 1 each).
     */
    private static int[] ringShape(int base, int stride, int members, int g) {
        if (members <= 0) {
            return new int[] {1, 1};
        }
        long first = base;
        long last = base + (long) (members - 1) * stride;
        // Members on the first slot: those before the slot's end.
        long onFirst = Math.min(members, ((first / g + 1) * g - first + stride - 1) / stride);
        // Slots of consecutive members differ by at most one when stride < g, so every slot in between is visited;
        // with stride >= g every member is on a slot of its own.
        long slots = stride >= g ? members : last / g - first / g + 1;
        return new int[] {(int) Math.max(1, onFirst), (int) Math.max(1, slots)};
    }
}
