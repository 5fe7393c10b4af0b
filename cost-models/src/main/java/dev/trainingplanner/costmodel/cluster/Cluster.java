package dev.trainingplanner.costmodel.cluster;

import static dev.trainingplanner.costmodel.InvalidInputException.nonNegative;
import static dev.trainingplanner.costmodel.InvalidInputException.positive;
import static dev.trainingplanner.costmodel.InvalidInputException.require;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * An immutable GPU cluster: nodes of one {@link GpuType} with the same number of GPUs each, per-GPU usable memory and
 * relative compute speed, per-node straggler statistics, and measured links. Links are per direction: a GPU pair inside
 * a node, or a node pair. Unmeasured links take the catalog defaults: a node pair defaults to the smaller of the two
 * nodes' aggregate NIC bandwidths. Storage is O(GPUs + measured links): a 2,048-node cluster allocates no N² table.
 */
public final class Cluster {

    /** NCCL ring latency per step over NVLink, tuning.cc (cost-models.md §4.2): base 8.4/2 + hw 3.4 µs, rounded. */
    public static final double DEFAULT_INTRA_LATENCY_SECONDS = 5e-6;
    /** NCCL ring latency per step over the network (hwLat Net 9.6 µs plus a share of base latency). */
    public static final double DEFAULT_INTER_LATENCY_SECONDS = 12e-6;

    /** Up to this many nodes the link tables are also kept dense (512 nodes: two 2 MiB arrays). */
    private static final int DENSE_LINK_TABLE_MAX_NODES = 512;

    private final GpuType gpuType;
    private final int nodeCount;
    private final int gpusPerNode;
    private final double[] usableMemoryBytes;
    private final double[] relativeSpeed;
    private final StragglerModel[] stragglers;
    private final double[] nodeNetworkBandwidth;
    private final double[][] intraBandwidth;
    private final double[][] intraLatency;
    private final LongDoubleMap interBandwidth;
    private final LongDoubleMap interLatency;
    /** Node-pair bandwidth and latency as dense row-major tables on clusters small enough; null on larger ones. */
    private final double[] denseInterBandwidth;

    private final double[] denseInterLatency;
    /** Measured node-pair links of larger clusters; null on clusters with dense tables. */
    private final MeasuredNodePairs measuredPairs;

    private final double defaultInterLatency;
    private final double defaultIntraLatency;
    private final double defaultIntraBandwidth;
    private final boolean anyStraggler;
    private final double uniformUsableMemory;
    private final boolean[] uniformNodes;
    /** NVLink domain id of each node (the trays of one NVL72 rack share one), null where the node is its own domain. */
    private final String[] nvlinkDomains;
    /**
     * Each node's domain as a small integer (equal ids, equal numbers; -1 for none): the link scans compare these for
     * every hop between nodes, where a string comparison would cost.
     */
    private final int[] nvlinkDomainNumbers;

    private final boolean anyNvlinkDomain;

    private Cluster(Builder b) {
        this.gpuType = b.gpuType;
        this.nodeCount = b.nodeCount;
        this.gpusPerNode = b.gpusPerNode;
        this.usableMemoryBytes = b.usableMemoryBytes.clone();
        this.relativeSpeed = b.relativeSpeed.clone();
        this.stragglers = b.stragglers.clone();
        this.nodeNetworkBandwidth = b.nodeNetworkBandwidth.clone();
        this.nvlinkDomains = b.nvlinkDomains.clone();
        this.nvlinkDomainNumbers = new int[nodeCount];
        Map<String, Integer> numbers = new HashMap<>();
        for (int n = 0; n < nodeCount; n++) {
            nvlinkDomainNumbers[n] =
                    nvlinkDomains[n] == null ? -1 : numbers.computeIfAbsent(nvlinkDomains[n], id -> numbers.size());
        }
        this.anyNvlinkDomain = !numbers.isEmpty();
        this.intraBandwidth = deepCopy(b.intraBandwidth);
        this.intraLatency = deepCopy(b.intraLatency);
        this.interBandwidth = new LongDoubleMap(b.interBandwidth);
        this.interLatency = new LongDoubleMap(b.interLatency);
        this.defaultInterLatency = b.defaultInterLatency;
        // Larger clusters keep their measured node pairs grouped by source node: a lookup reads one node's few links.
        this.measuredPairs = nodeCount <= DENSE_LINK_TABLE_MAX_NODES
                ? null
                : new MeasuredNodePairs(nodeCount, interBandwidth, interLatency);
        if (nodeCount <= DENSE_LINK_TABLE_MAX_NODES) {
            // The search reads these in its innermost loops: an array index beats a hash probe several times over.
            this.denseInterBandwidth = new double[nodeCount * nodeCount];
            this.denseInterLatency = new double[nodeCount * nodeCount];
            for (int from = 0; from < nodeCount; from++) {
                for (int to = 0; to < nodeCount; to++) {
                    denseInterBandwidth[from * nodeCount + to] = lookUpInterBandwidth(from, to);
                    denseInterLatency[from * nodeCount + to] = interLatency.get(pairKey(from, to), defaultInterLatency);
                }
            }
        } else {
            this.denseInterBandwidth = null;
            this.denseInterLatency = null;
        }
        this.defaultIntraLatency = b.defaultIntraLatency;
        this.defaultIntraBandwidth = b.defaultIntraBandwidth;
        boolean straggler = false;
        for (StragglerModel s : stragglers) {
            straggler |= !s.isNone();
        }
        this.anyStraggler = straggler;
        double first = usableMemoryBytes[0];
        boolean uniform = true;
        for (double bytes : usableMemoryBytes) {
            uniform &= bytes == first;
        }
        this.uniformUsableMemory = uniform ? first : 0;
        this.uniformNodes = new boolean[nodeCount];
        for (int n = 0; n < nodeCount; n++) {
            boolean same = intraBandwidth[n] == null;
            for (int gpu = 1; gpu < gpusPerNode && same; gpu++) {
                same = relativeSpeed[n * gpusPerNode + gpu] == relativeSpeed[n * gpusPerNode];
            }
            uniformNodes[n] = same;
        }
    }

    private static double[][] deepCopy(double[][] rows) {
        double[][] copy = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            copy[i] = rows[i] == null ? null : rows[i].clone();
        }
        return copy;
    }

    /** A cluster with catalog defaults everywhere. */
    public static Cluster uniform(GpuType gpuType, int nodes, int gpusPerNode) {
        return builder(gpuType, nodes, gpusPerNode).build();
    }

    public static Builder builder(GpuType gpuType, int nodes, int gpusPerNode) {
        return new Builder(gpuType, nodes, gpusPerNode);
    }

    /** A builder that starts from this cluster's values, e.g. to degrade one link. */
    public Builder toBuilder() {
        Builder b = new Builder(gpuType, nodeCount, gpusPerNode);
        System.arraycopy(usableMemoryBytes, 0, b.usableMemoryBytes, 0, usableMemoryBytes.length);
        System.arraycopy(relativeSpeed, 0, b.relativeSpeed, 0, relativeSpeed.length);
        System.arraycopy(stragglers, 0, b.stragglers, 0, stragglers.length);
        System.arraycopy(nodeNetworkBandwidth, 0, b.nodeNetworkBandwidth, 0, nodeCount);
        System.arraycopy(nvlinkDomains, 0, b.nvlinkDomains, 0, nodeCount);
        for (int n = 0; n < nodeCount; n++) {
            b.intraBandwidth[n] = intraBandwidth[n] == null ? null : intraBandwidth[n].clone();
            b.intraLatency[n] = intraLatency[n] == null ? null : intraLatency[n].clone();
        }
        b.interBandwidth = new LongDoubleMap(interBandwidth);
        b.interLatency = new LongDoubleMap(interLatency);
        b.defaultInterLatency = defaultInterLatency;
        b.defaultIntraLatency = defaultIntraLatency;
        b.defaultIntraBandwidth = defaultIntraBandwidth;
        return b;
    }

    /**
     * This cluster with every link's bandwidth scaled by the efficiency of its tier: {@code nvlink} for the GPU pairs
     * of a node and the node pairs of one NVLink domain, {@code network} for the NICs and the node pairs outside a
     * domain (measured or default). Latencies are kept. Per-cluster corrections fitted from measured runs use this to
     * carry what the collectives really reach on this cluster into every ring the cost model prices.
     */
    public Cluster withLinkEfficiencies(double nvlink, double network) {
        positive("NVLink efficiency", nvlink);
        positive("network efficiency", network);
        Builder b = toBuilder();
        b.defaultIntraBandwidth = defaultIntraBandwidth * nvlink;
        for (int n = 0; n < nodeCount; n++) {
            b.nodeNetworkBandwidth[n] = nodeNetworkBandwidth[n] * network;
            if (b.intraBandwidth[n] != null) {
                for (int i = 0; i < b.intraBandwidth[n].length; i++) {
                    b.intraBandwidth[n][i] *= nvlink;
                }
            }
        }
        for (long key : interBandwidth.keys()) {
            int from = (int) (key / nodeCount);
            int to = (int) (key % nodeCount);
            double factor = sameNvlinkDomain(from, to) ? nvlink : network;
            b.interBandwidth.put(key, interBandwidth.get(key, 0) * factor);
        }
        return b.build();
    }

    /** This cluster with every GPU's relative speed multiplied by {@code factor} (a fitted compute efficiency). */
    public Cluster withComputeSpeedFactor(double factor) {
        positive("compute speed factor", factor);
        Builder b = toBuilder();
        for (int i = 0; i < relativeSpeed.length; i++) {
            b.relativeSpeed[i] = relativeSpeed[i] * factor;
        }
        return b.build();
    }

    /**
     * This cluster with every Bernoulli straggler's probability multiplied by {@code factor} (at most 1); other
     * straggler models are kept.
     */
    public Cluster withStragglerProbabilityFactor(double factor) {
        nonNegative("straggler probability factor", factor);
        Builder b = toBuilder();
        for (int n = 0; n < nodeCount; n++) {
            StragglerModel s = stragglers[n];
            if (s.kind() == StragglerModel.Kind.BERNOULLI) {
                b.stragglers[n] = StragglerModel.bernoulli(Math.min(1, s.probability() * factor), s.slowdown());
            }
        }
        return b.build();
    }

    public GpuType gpuType() {
        return gpuType;
    }

    public int nodeCount() {
        return nodeCount;
    }

    public int gpusPerNode() {
        return gpusPerNode;
    }

    public int gpuCount() {
        return nodeCount * gpusPerNode;
    }

    public double usableMemoryBytes(int node, int gpu) {
        return usableMemoryBytes[node * gpusPerNode + gpu];
    }

    /**
     * Whether every GPU pair inside {@code node} uses the default link and all its GPUs run at the same speed, so that
     * any group confined to the node sees the same bottleneck whatever GPUs it uses.
     */
    public boolean isUniformNode(int node) {
        return uniformNodes[node];
    }

    /** Default per-GPU bandwidth of unmeasured GPU pairs inside a node. */
    public double defaultIntraBandwidthBytesPerSecond() {
        return defaultIntraBandwidth;
    }

    /** Default latency of unmeasured GPU pairs inside a node. */
    public double defaultIntraLatencySeconds() {
        return defaultIntraLatency;
    }

    /** The usable memory of every GPU when all are equal, else 0. */
    public double uniformUsableMemoryBytes() {
        return uniformUsableMemory;
    }

    /** Compute speed relative to the catalog GPU (1 = nominal, 0.9 = 10% slower). */
    public double relativeSpeed(int node, int gpu) {
        return relativeSpeed[node * gpusPerNode + gpu];
    }

    public StragglerModel straggler(int node) {
        return stragglers[node];
    }

    public boolean hasStragglers() {
        return anyStraggler;
    }

    /** The NVLink domain {@code node} belongs to (an NVL72 rack shared by its trays), or null when it has none. */
    public String nvlinkDomain(int node) {
        return nvlinkDomains[node];
    }

    /** Whether GPUs of nodes {@code a} and {@code b} reach each other over NVLink: the same node or the same domain. */
    public boolean sameNvlinkDomain(int a, int b) {
        return a == b || (nvlinkDomainNumbers[a] >= 0 && nvlinkDomainNumbers[a] == nvlinkDomainNumbers[b]);
    }

    /**
     * Whether some nodes share an NVLink domain. GPUs of different nodes in one domain talk over the NVLink switches
     * at the default intra-node bandwidth and latency (NVLink 5 reaches every GPU of an NVL72 rack at the same 900
     * GB/s per direction), not over the nodes' NICs.
     */
    public boolean hasNvlinkDomains() {
        return anyNvlinkDomain;
    }

    /** Aggregate NIC bandwidth of {@code node}, per direction. */
    public double nodeNetworkBandwidthBytesPerSecond(int node) {
        return nodeNetworkBandwidth[node];
    }

    /** Bandwidth from local GPU {@code from} to local GPU {@code to} inside {@code node}, per direction. */
    public double intraBandwidthBytesPerSecond(int node, int from, int to) {
        double[] row = intraBandwidth[node];
        return row == null ? defaultIntraBandwidth : row[from * gpusPerNode + to];
    }

    public double intraLatencySeconds(int node, int from, int to) {
        double[] row = intraLatency[node];
        return row == null ? defaultIntraLatency : row[from * gpusPerNode + to];
    }

    /**
     * Whether node-pair links are read from dense tables (clusters of up to 512 nodes): a lookup is an array index, so
     * callers gain nothing by caching them. Larger clusters look measured links up in a hash map.
     */
    public boolean hasDenseNodePairTables() {
        return denseInterBandwidth != null;
    }

    /** Bandwidth from node {@code from} to node {@code to}, per direction, aggregated over the nodes' NICs. */
    public double interBandwidthBytesPerSecond(int from, int to) {
        if (denseInterBandwidth != null) {
            return denseInterBandwidth[from * nodeCount + to];
        }
        return lookUpInterBandwidth(from, to);
    }

    private double lookUpInterBandwidth(int from, int to) {
        double fallback = Math.min(nodeNetworkBandwidth[from], nodeNetworkBandwidth[to]);
        if (measuredPairs != null) {
            int link = measuredPairs.find(from, to);
            return link >= 0 ? measuredPairs.bandwidth(link, fallback) : fallback;
        }
        return interBandwidth.get(pairKey(from, to), fallback);
    }

    public double interLatencySeconds(int from, int to) {
        if (denseInterLatency != null) {
            return denseInterLatency[from * nodeCount + to];
        }
        int link = measuredPairs.find(from, to);
        return link >= 0 ? measuredPairs.latency(link, defaultInterLatency) : defaultInterLatency;
    }

    /**
     * For each node, the mean over every other node of the pair's bandwidth, the slower of its two directions. Dense
     * clusters read every pair; larger ones take the unmeasured pairs (the slower node's NIC) from sorted NIC
     * bandwidths with prefix sums and correct only the measured pairs, so the cost is O(n log n + measured links)
     * instead of O(n²), which a 100,000-node cluster cannot afford.
     */
    public double[] meanPairBandwidthBytesPerSecond() {
        double[] mean = new double[nodeCount];
        if (nodeCount < 2) {
            Arrays.fill(mean, 1.0);
            return mean;
        }
        if (denseInterBandwidth != null) {
            for (int a = 0; a < nodeCount; a++) {
                double sum = 0;
                for (int b = 0; b < nodeCount; b++) {
                    if (a != b) {
                        sum += pairBandwidth(a, b);
                    }
                }
                mean[a] = sum / (nodeCount - 1);
            }
            return mean;
        }
        double[] sorted = nodeNetworkBandwidth.clone();
        Arrays.sort(sorted);
        double[] prefix = new double[nodeCount + 1];
        for (int i = 0; i < nodeCount; i++) {
            prefix[i + 1] = prefix[i] + sorted[i];
        }
        double[] sum = new double[nodeCount];
        for (int a = 0; a < nodeCount; a++) {
            double own = nodeNetworkBandwidth[a];
            int below = lowerBound(sorted, own);
            // Σ over b of min(own, nic[b]), less the node itself.
            sum[a] = prefix[below] + own * (nodeCount - below) - own;
        }
        for (long pair : measuredPairs.unorderedPairs()) {
            int a = (int) (pair / nodeCount);
            int b = (int) (pair % nodeCount);
            double delta = pairBandwidth(a, b) - Math.min(nodeNetworkBandwidth[a], nodeNetworkBandwidth[b]);
            sum[a] += delta;
            sum[b] += delta;
        }
        for (int a = 0; a < nodeCount; a++) {
            mean[a] = sum[a] / (nodeCount - 1);
        }
        return mean;
    }

    private double pairBandwidth(int a, int b) {
        return Math.min(interBandwidthBytesPerSecond(a, b), interBandwidthBytesPerSecond(b, a));
    }

    /** The first index whose value is not below {@code value}. */
    private static int lowerBound(double[] sorted, double value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (sorted[middle] < value) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    private long pairKey(int from, int to) {
        return (long) from * nodeCount + to;
    }

    /** Builds a {@link Cluster}; every setter validates its input. */
    public static final class Builder {
        private final GpuType gpuType;
        private final int nodeCount;
        private final int gpusPerNode;
        private final double[] usableMemoryBytes;
        private final double[] relativeSpeed;
        private final StragglerModel[] stragglers;
        private final double[] nodeNetworkBandwidth;
        private final String[] nvlinkDomains;
        private final double[][] intraBandwidth;
        private final double[][] intraLatency;
        private LongDoubleMap interBandwidth = new LongDoubleMap();
        private LongDoubleMap interLatency = new LongDoubleMap();
        private double defaultInterLatency = DEFAULT_INTER_LATENCY_SECONDS;
        private double defaultIntraLatency = DEFAULT_INTRA_LATENCY_SECONDS;
        private double defaultIntraBandwidth;

        private Builder(GpuType gpuType, int nodes, int gpusPerNode) {
            require(gpuType != null, "cluster GPU type must not be null");
            positive("cluster nodes", nodes);
            positive("cluster gpusPerNode", gpusPerNode);
            require(
                    (long) nodes * gpusPerNode <= 1 << 22,
                    "cluster of " + nodes + " x " + gpusPerNode + " GPUs is larger than the supported 4,194,304");
            this.gpuType = gpuType;
            this.nodeCount = nodes;
            this.gpusPerNode = gpusPerNode;
            int gpus = nodes * gpusPerNode;
            usableMemoryBytes = new double[gpus];
            Arrays.fill(usableMemoryBytes, gpuType.memoryBytes());
            relativeSpeed = new double[gpus];
            Arrays.fill(relativeSpeed, 1.0);
            stragglers = new StragglerModel[nodes];
            Arrays.fill(stragglers, StragglerModel.NONE);
            nodeNetworkBandwidth = new double[nodes];
            Arrays.fill(nodeNetworkBandwidth, gpuType.nodeNetworkBandwidthBytesPerSecond());
            nvlinkDomains = new String[nodes];
            intraBandwidth = new double[nodes][];
            intraLatency = new double[nodes][];
            defaultIntraBandwidth = gpuType.intraNodeBandwidthBytesPerSecond();
        }

        private void checkNode(int node) {
            require(node >= 0 && node < nodeCount, "node index " + node + " is outside 0.." + (nodeCount - 1));
        }

        private void checkGpu(int gpu) {
            require(gpu >= 0 && gpu < gpusPerNode, "GPU index " + gpu + " is outside 0.." + (gpusPerNode - 1));
        }

        /** Per-GPU NVLink bandwidth for every unmeasured GPU pair of every node. */
        public Builder defaultIntraNodeBandwidth(double bytesPerSecond) {
            defaultIntraBandwidth = positive("default intra-node bandwidth", bytesPerSecond);
            return this;
        }

        /** Aggregate NIC bandwidth of every node (unmeasured node pairs use the smaller end). */
        public Builder nodeNetworkBandwidth(double bytesPerSecond) {
            positive("node network bandwidth", bytesPerSecond);
            Arrays.fill(nodeNetworkBandwidth, bytesPerSecond);
            return this;
        }

        public Builder nodeNetworkBandwidth(int node, double bytesPerSecond) {
            checkNode(node);
            nodeNetworkBandwidth[node] = positive("network bandwidth of node " + node, bytesPerSecond);
            return this;
        }

        /**
         * Puts {@code node} into the NVLink domain {@code domainId} (GB200/GB300 NVL72 racks, whose 18 trays of 4
         * GPUs share one NVLink switch fabric); null or blank takes it out of any domain.
         */
        public Builder nvlinkDomain(int node, String domainId) {
            checkNode(node);
            nvlinkDomains[node] = domainId == null || domainId.isBlank() ? null : domainId.trim();
            return this;
        }

        public Builder defaultLatencies(double intraSeconds, double interSeconds) {
            defaultIntraLatency = nonNegative("default intra-node latency", intraSeconds);
            defaultInterLatency = nonNegative("default inter-node latency", interSeconds);
            return this;
        }

        public Builder usableMemory(int node, int gpu, double bytes) {
            checkNode(node);
            checkGpu(gpu);
            usableMemoryBytes[node * gpusPerNode + gpu] =
                    positive("usable memory of node " + node + " GPU " + gpu, bytes);
            return this;
        }

        public Builder usableMemoryEverywhere(double bytes) {
            positive("usable memory", bytes);
            Arrays.fill(usableMemoryBytes, bytes);
            return this;
        }

        public Builder relativeSpeed(int node, int gpu, double speed) {
            checkNode(node);
            checkGpu(gpu);
            relativeSpeed[node * gpusPerNode + gpu] = positive("relative speed of node " + node + " GPU " + gpu, speed);
            return this;
        }

        public Builder straggler(int node, StragglerModel model) {
            checkNode(node);
            require(model != null, "straggler model of node " + node + " must not be null");
            stragglers[node] = model;
            return this;
        }

        /** Measured link from local GPU {@code from} to {@code to} inside {@code node}. */
        public Builder intraLink(int node, int from, int to, double bytesPerSecond, double latencySeconds) {
            checkNode(node);
            checkGpu(from);
            checkGpu(to);
            require(from != to, "an intra-node link needs two different GPUs, got " + from + " twice");
            positive("bandwidth of node " + node + " GPU " + from + "->" + to, bytesPerSecond);
            nonNegative("latency of node " + node + " GPU " + from + "->" + to, latencySeconds);
            if (intraBandwidth[node] == null) {
                intraBandwidth[node] = new double[gpusPerNode * gpusPerNode];
                intraLatency[node] = new double[gpusPerNode * gpusPerNode];
                Arrays.fill(intraBandwidth[node], defaultIntraBandwidth);
                Arrays.fill(intraLatency[node], defaultIntraLatency);
            }
            intraBandwidth[node][from * gpusPerNode + to] = bytesPerSecond;
            intraLatency[node][from * gpusPerNode + to] = latencySeconds;
            return this;
        }

        /** Measured link from node {@code from} to node {@code to} (aggregate over the nodes' NICs). */
        public Builder interLink(int from, int to, double bytesPerSecond, double latencySeconds) {
            checkNode(from);
            checkNode(to);
            require(from != to, "an inter-node link needs two different nodes, got " + from + " twice");
            positive("bandwidth of node link " + from + "->" + to, bytesPerSecond);
            nonNegative("latency of node link " + from + "->" + to, latencySeconds);
            interBandwidth.put((long) from * nodeCount + to, bytesPerSecond);
            interLatency.put((long) from * nodeCount + to, latencySeconds);
            return this;
        }

        public Cluster build() {
            return new Cluster(this);
        }
    }
}
