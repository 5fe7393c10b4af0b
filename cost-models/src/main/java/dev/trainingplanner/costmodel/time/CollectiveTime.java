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

    /**
     * Hierarchical all-reduce (cost-models.md §4.4): an intra-node ring of {@code perSlot} members on the slowest
     * intra-node link, then an inter-node ring of {@code slots} members over S/perSlot on the slowest inter-node link.
     */
    public static double hierarchicalAllReduce(
            int perSlot,
            int slots,
            double bytes,
            double intraBandwidth,
            double intraLatency,
            double interBandwidth,
            double interLatency) {
        double intra = perSlot > 1 ? allReduce(perSlot, bytes, intraBandwidth, intraLatency) : 0;
        double inter = slots > 1 ? allReduce(slots, bytes / perSlot, interBandwidth, interLatency) : 0;
        return intra + inter;
    }

    /** Hierarchical all-gather or reduce-scatter (cost-models.md §4.4), shaped as {@link #hierarchicalAllReduce}. */
    public static double hierarchicalAllGather(
            int perSlot,
            int slots,
            double bytes,
            double intraBandwidth,
            double intraLatency,
            double interBandwidth,
            double interLatency) {
        double intra = perSlot > 1 ? allGather(perSlot, bytes, intraBandwidth, intraLatency) : 0;
        double inter = slots > 1 ? allGather(slots, bytes / perSlot, interBandwidth, interLatency) : 0;
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
