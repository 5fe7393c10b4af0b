package dev.trainingplanner.costmodel.time;

/**
 * α–β times of ring collectives (cost-models.md §4.1–4.2, Thakur et al. 2005): S is the total message in bytes
 * (nccl-tests definition), B the bottleneck per-rank bandwidth of the ring (§4.3: the slowest link sets the pace), α
 * the per-step latency.
 */
public final class CollectiveTime {

    private CollectiveTime() {}

    /** Ring all-reduce: 2(n−1)α + 2(n−1)/n · S/B. */
    public static double allReduce(int ranks, double bytes, double bandwidth, double latency) {
        if (ranks <= 1) {
            return 0;
        }
        return 2.0 * (ranks - 1) * latency + 2.0 * (ranks - 1) / ranks * bytes / bandwidth;
    }

    /** Ring collectives that run hierarchically: intra-node ring first, then inter-node ring over the shard. */
    public enum Ring {
        ALL_REDUCE,
        /** All-gather or reduce-scatter (same traffic). */
        ALL_GATHER;

        double seconds(int ranks, double bytes, double bandwidth, double latency) {
            return this == ALL_REDUCE
                    ? allReduce(ranks, bytes, bandwidth, latency)
                    : allGather(ranks, bytes, bandwidth, latency);
        }
    }

    /**
     * Hierarchical collective (cost-models.md §4.4): an intra-node ring of {@code perSlot} members on the slowest
     * intra-node link, then an inter-node ring of {@code slots} members over S/perSlot on the slowest inter-node link.
     */
    public static double hierarchical(
            Ring ring,
            int perSlot,
            int slots,
            double bytes,
            double intraBandwidth,
            double intraLatency,
            double interBandwidth,
            double interLatency) {
        double intra = perSlot > 1 ? ring.seconds(perSlot, bytes, intraBandwidth, intraLatency) : 0;
        double inter = slots > 1 ? ring.seconds(slots, bytes / perSlot, interBandwidth, interLatency) : 0;
        return intra + inter;
    }

    /** Ring all-gather or reduce-scatter: (n−1)α + (n−1)/n · S/B. */
    public static double allGather(int ranks, double bytes, double bandwidth, double latency) {
        if (ranks <= 1) {
            return 0;
        }
        return (ranks - 1) * latency + (double) (ranks - 1) / ranks * bytes / bandwidth;
    }

    /** Pairwise all-to-all, S = bytes each rank sends in total: (n−1)α + (n−1)/n · S/B. */
    public static double allToAll(int ranks, double bytes, double bandwidth, double latency) {
        return allGather(ranks, bytes, bandwidth, latency);
    }

    /** Point-to-point: α + S/B. */
    public static double pointToPoint(double bytes, double bandwidth, double latency) {
        return latency + bytes / bandwidth;
    }
}
