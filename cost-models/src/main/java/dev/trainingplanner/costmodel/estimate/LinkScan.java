package dev.trainingplanner.costmodel.estimate;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.time.CollectiveTime;

/**
 * The bottleneck of the links one group uses (cost-models.md §4.3: a ring runs at its slowest hop): the smallest
 * bandwidth and the largest latency, kept apart for NVLink hops and network hops. A hop between nodes of one NVLink
 * domain (the trays of an NVL72 rack) is an NVLink hop at the cluster's default intra-node bandwidth and latency, and
 * the group's hierarchical collectives then treat the domain, not the node, as the slot whose members share the
 * network phase ({@link #slots}). Reset before each group. Not thread-safe; each evaluator has its own.
 */
final class LinkScan {

    /** Lines of the node-pair cache used on clusters whose measured links live in a hash map. */
    private static final int PAIR_CACHE_LINES = 256;

    private final Cluster cluster;
    /** GPUs used per node: they share the node's NICs. */
    private final int gpusPerNode;

    private double minIntraBandwidth;
    private double maxIntraLatency;
    /** Smallest node-pair bandwidth (whole node); divided by the GPUs per node only when read. */
    private double minNodePairBandwidth;

    private double maxInterLatency;

    /** Whether the cluster has NVLink domains spanning nodes: checked once, so other clusters pay nothing per hop. */
    private final boolean domains;
    /** Whether the group has a hop between two nodes of one NVLink domain. */
    private boolean crossesTrays;
    /** Hops of the group that cross the network (between nodes of different NVLink domains). */
    private int networkHops;

    /**
     * Direct-mapped cache of node-pair links, keyed by cluster node ids plus one (so that zeroed lines are empty); null
     * when the cluster reads node pairs from dense tables, which are as fast as a cache hit.
     */
    private final long[] pairKeys;

    private final double[] pairBandwidth;
    private final double[] pairLatency;

    LinkScan(Cluster cluster, int gpusPerNode) {
        this.cluster = cluster;
        this.gpusPerNode = gpusPerNode;
        this.domains = cluster.hasNvlinkDomains();
        boolean cached = !cluster.hasDenseNodePairTables();
        this.pairKeys = cached ? new long[PAIR_CACHE_LINES] : null;
        this.pairBandwidth = cached ? new double[PAIR_CACHE_LINES] : null;
        this.pairLatency = cached ? new double[PAIR_CACHE_LINES] : null;
        reset();
    }

    void reset() {
        minIntraBandwidth = Double.POSITIVE_INFINITY;
        maxIntraLatency = 0;
        minNodePairBandwidth = Double.POSITIVE_INFINITY;
        maxInterLatency = 0;
        crossesTrays = false;
        networkHops = 0;
    }

    /** A hop from local GPU {@code from} to local GPU {@code to} inside {@code node}. */
    void intraHop(int node, int from, int to) {
        minIntraBandwidth = Math.min(minIntraBandwidth, cluster.intraBandwidthBytesPerSecond(node, from, to));
        maxIntraLatency = Math.max(maxIntraLatency, cluster.intraLatencySeconds(node, from, to));
    }

    /** A hop from node {@code from} to another node {@code to}: NVLink inside one domain, else the network. */
    void interHop(int from, int to) {
        if (domains && cluster.sameNvlinkDomain(from, to)) {
            crossesTrays = true;
            minIntraBandwidth = Math.min(minIntraBandwidth, cluster.defaultIntraBandwidthBytesPerSecond());
            maxIntraLatency = Math.max(maxIntraLatency, cluster.defaultIntraLatencySeconds());
            return;
        }
        networkHops++;
        if (pairKeys == null) {
            minNodePairBandwidth = Math.min(minNodePairBandwidth, cluster.interBandwidthBytesPerSecond(from, to));
            maxInterLatency = Math.max(maxInterLatency, cluster.interLatencySeconds(from, to));
            return;
        }
        long key = (long) from * cluster.nodeCount() + to + 1;
        int line = (int) ((key * 0x9E3779B97F4A7C15L) >>> 56);
        if (pairKeys[line] != key) {
            pairKeys[line] = key;
            pairBandwidth[line] = cluster.interBandwidthBytesPerSecond(from, to);
            pairLatency[line] = cluster.interLatencySeconds(from, to);
        }
        minNodePairBandwidth = Math.min(minNodePairBandwidth, pairBandwidth[line]);
        maxInterLatency = Math.max(maxInterLatency, pairLatency[line]);
    }

    double minIntraBandwidth() {
        return minIntraBandwidth;
    }

    double maxIntraLatency() {
        return maxIntraLatency;
    }

    /**
     * Per-GPU bandwidth of the slowest node pair: a node pair's bandwidth is shared by the GPUs of the node that talk
     * across nodes concurrently. Dividing the minimum equals the minimum of the divided values (rounding is monotone).
     */
    double minInterBandwidth() {
        return minNodePairBandwidth / gpusPerNode;
    }

    double maxInterLatency() {
        return maxInterLatency;
    }

    /** Slowest link of either kind, per GPU. */
    double bottleneckBandwidth() {
        return Math.min(minIntraBandwidth, minInterBandwidth());
    }

    /** Largest latency of either kind. */
    double worstLatency() {
        return Math.max(maxIntraLatency, maxInterLatency);
    }

    /**
     * Slots of the hierarchical collectives of a group laid out as {@code perSlot} members on each of {@code slots}
     * nodes. When hops between trays of one NVLink domain were scanned, a slot is a domain: the network hops of a ring
     * that visits each domain in one run are its domain boundaries, one per domain (none when the whole group is in
     * one domain, which makes it a single NVLink slot). Otherwise the nodes, as given.
     */
    int slots(int perSlot, int slots) {
        return crossesTrays ? Math.max(1, Math.min(perSlot * slots, networkHops)) : slots;
    }

    /** Members per slot of {@link #slots}: the whole group over those slots. */
    int membersPerSlot(int perSlot, int slots) {
        return crossesTrays ? Math.max(1, perSlot * slots / slots(perSlot, slots)) : perSlot;
    }

    double hierarchicalAllReduce(int perSlot, int slots, double bytes) {
        return hierarchical(CollectiveTime.Ring.ALL_REDUCE, perSlot, slots, bytes);
    }

    double hierarchicalAllGather(int perSlot, int slots, double bytes) {
        return hierarchical(CollectiveTime.Ring.ALL_GATHER, perSlot, slots, bytes);
    }

    private double hierarchical(CollectiveTime.Ring ring, int perSlot, int slots, double bytes) {
        return CollectiveTime.hierarchical(
                ring,
                membersPerSlot(perSlot, slots),
                slots(perSlot, slots),
                bytes,
                minIntraBandwidth,
                maxIntraLatency,
                minInterBandwidth(),
                maxInterLatency);
    }
}
