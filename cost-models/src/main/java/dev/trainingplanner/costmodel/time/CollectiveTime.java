package dev.trainingplanner.costmodel.time;

/**
 * α–β times of one collective call (cost-models.md §4.1–4.2, Thakur et al. 2005): S is the total message in bytes
 * (nccl-tests definition), B the bottleneck per-rank bandwidth of the ring (§4.3: the slowest link sets the pace), α
 * the per-step latency. Every call pays its latency steps: a framework that splits S into k calls pays k times the
 * latency and once the bandwidth ({@link #hierarchical}, {@code time.CollectiveCalls}).
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

    /** The collectives NCCL runs on a hierarchical group: the step counts of its algorithms differ per kind. */
    public enum Ring {
        ALL_REDUCE,
        /** All-gather or reduce-scatter (same traffic and steps). */
        ALL_GATHER;

        /** Bytes each rank moves per byte of S on a ring of {@code ranks}: 2(n−1)/n or (n−1)/n. */
        double volume(int ranks) {
            double share = (double) (ranks - 1) / ranks;
            return this == ALL_REDUCE ? 2 * share : share;
        }

        /** NCCL's ring steps over {@code ranks}: 2(n−1) for all-reduce, n−1 for all-gather / reduce-scatter. */
        int ringSteps(int ranks) {
            return this == ALL_REDUCE ? 2 * (ranks - 1) : ranks - 1;
        }
    }

    /**
     * NCCL's tree all-reduce reaches 0.9 of the ring's bus bandwidth in NCCL's own tuning model ({@code
     * src/graph/tuning.cc}: {@code busBw*.9} for {@code NCCL_ALGO_TREE}; algorithm bandwidth = bus bandwidth · ½ for
     * a tree, · n/(2(n−1)) for a ring).
     */
    public static final double TREE_BANDWIDTH_FRACTION = 0.9;

    /**
     * One call of a collective on a group of {@code perSlot} members on each of {@code slots} nodes: the bandwidth
     * term of a hierarchical ring (cost-models.md §4.4: (volume · S)/B on the slowest intra-node link, then the
     * inter-node ring over S/perSlot on the slowest inter-node link per GPU) plus the latency of the algorithm NCCL
     * selects, the one of least predicted time (NCCL {@code src/graph/tuning.cc}, {@code ncclTopoGetAlgoTime}):
     *
     * <pre>
     * ring      all-reduce 2(n−1) steps, all-gather / reduce-scatter n−1 steps (n = perSlot·slots), of which
     *           2(N−1) resp. N−1 cross nodes at α_inter and the rest run at α_intra (N = slots)
     * tree      all-reduce only, N > 1: 2((perSlot−1)·α_intra + ⌈log₂ N⌉·α_inter), bandwidth term / 0.9
     * PAT       all-gather / reduce-scatter with one GPU per node (NCCL ≥ 2.23): ⌈log₂ N⌉·α_inter
     * </pre>
     *
     * NVLS (NVLink SHARP) is not selected: the cluster profile does not say whether the switches run it.
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
        int ranks = perSlot * slots;
        if (ranks <= 1) {
            return 0;
        }
        double intra = perSlot > 1 ? ring.volume(perSlot) * bytes / intraBandwidth : 0;
        double inter = slots > 1 ? ring.volume(slots) * (bytes / perSlot) / interBandwidth : 0;
        double bandwidthTerm = intra + inter;
        int interSteps = ring.ringSteps(slots);
        double best = bandwidthTerm + (ring.ringSteps(ranks) - interSteps) * intraLatency + interSteps * interLatency;
        if (slots > 1) {
            int treeDepth = ceilLog2(slots);
            if (ring == Ring.ALL_REDUCE) {
                double tree = bandwidthTerm / TREE_BANDWIDTH_FRACTION
                        + 2 * ((perSlot - 1) * intraLatency + treeDepth * interLatency);
                best = Math.min(best, tree);
            } else if (perSlot == 1) {
                best = Math.min(best, bandwidthTerm + treeDepth * interLatency);
            }
        }
        return best;
    }

    /** ⌈log₂ n⌉ for n ≥ 1. */
    static int ceilLog2(int n) {
        return 32 - Integer.numberOfLeadingZeros(n - 1);
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
