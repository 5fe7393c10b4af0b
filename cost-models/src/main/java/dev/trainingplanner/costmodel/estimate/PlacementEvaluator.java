package dev.trainingplanner.costmodel.estimate;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.cluster.StragglerModel;
import dev.trainingplanner.costmodel.layout.GradientCoding;
import dev.trainingplanner.costmodel.layout.PartitionGroups;
import dev.trainingplanner.costmodel.layout.ZeroPlusPlus;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.time.CollectiveTime;
import dev.trainingplanner.costmodel.time.GradientCodingTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The placement-dependent part of the cost model. Every communication group is priced on the links it actually uses
 * (cost-models.md §4.3: a ring runs at its slowest hop): one value per TP group, CP group, pipeline hop and DP ring,
 * combined per data-parallel replica (its pipeline, §5) and maximised with segment trees, so that a swap re-prices only
 * the groups that contain a moved rank.
 */
final class PlacementEvaluator {

    private final PreparedLayout prep;
    private final Cluster cluster;
    private final int tp;
    private final int pp;
    private final int dp;
    private final int cp;
    private final int g;
    Placement placement;
    /** Cluster node and local GPU of every rank, so that the hot loops need no division by g. */
    final int[] rankNode;

    final int[] rankGpu;

    final double[] tpStage;
    final double[] tpExposed;
    final double[] tpSpeed;
    final double[] tpBottleneck;
    final double[] cpExposed;
    final double[] p2pHop;
    final double[] replica;
    final MaxTree replicaTree;
    final double[] dpExposed;
    final MaxTree dpTree;
    double stragglerFactor;

    /** Direct-mapped cache of node-pair link values (per-GPU share), keyed by cluster node ids. */
    private static final int PAIR_CACHE = 256;

    private final long[] pairKeys = new long[PAIR_CACHE];
    private final double[] pairBandwidth = new double[PAIR_CACHE];
    private final double[] pairLatency = new double[PAIR_CACHE];
    private double minIntraBw;
    private double maxIntraLat;
    private double minInterBw;
    private double maxInterLat;

    PlacementEvaluator(PreparedLayout prep, Placement placement) {
        this.prep = prep;
        this.cluster = prep.cluster;
        this.tp = prep.tp;
        this.pp = prep.pp;
        this.dp = prep.dp;
        this.cp = prep.cp;
        this.placement = placement;
        this.g = placement.gpusPerNodeUsed();
        this.rankNode = new int[placement.worldSize()];
        this.rankGpu = new int[placement.worldSize()];
        for (int slot = 0; slot < placement.nodesUsed(); slot++) {
            refreshSlot(slot);
        }
        tpStage = new double[pp * dp * cp];
        tpExposed = new double[pp * dp * cp];
        tpSpeed = new double[pp * dp * cp];
        tpBottleneck = new double[pp * dp * cp];
        cpExposed = new double[pp * dp * tp];
        p2pHop = new double[pp * dp];
        replica = new double[dp];
        replicaTree = new MaxTree(dp);
        dpExposed = new double[pp * tp];
        dpTree = new MaxTree(pp * tp);
        evaluateAll();
    }

    /** Re-reads the node and GPUs of one position of the node order from {@link #placement}. */
    void refreshSlot(int slot) {
        int node = placement.nodeAt(slot);
        int base = slot * g;
        for (int k = 0; k < g; k++) {
            rankNode[base + k] = node;
            rankGpu[base + k] = placement.gpuAt(slot, k);
        }
    }

    PreparedLayout prep() {
        return prep;
    }

    int rank(int tensor, int context, int data, int stage) {
        return tensor + tp * (context + cp * (data + dp * stage));
    }

    void evaluateAll() {
        for (int i = 0; i < pp; i++) {
            for (int d = 0; d < dp; d++) {
                for (int c = 0; c < cp; c++) {
                    priceTensorGroup(i, d, c);
                }
                if (cp > 1) {
                    for (int j = 0; j < tp; j++) {
                        priceContextGroup(i, d, j);
                    }
                }
                pricePipelineHop(i, d);
            }
            // With one DP member per node and TP groups inside a node, the rings of all TP ranks of a stage visit the
            // same node pairs in the same order: price one, copy it.
            boolean sameRings = prep.dpMembersPerSlot == 1 && prep.tpSlots == 1;
            double first = priceDataRing(i, 0);
            dpTree.setLeaf(i * tp, first);
            for (int j = 1; j < tp; j++) {
                if (sameRings) {
                    dpExposed[i * tp + j] = first;
                    dpTree.setLeaf(i * tp + j, first);
                } else {
                    dpTree.setLeaf(i * tp + j, priceDataRing(i, j));
                }
            }
        }
        dpTree.rebuild();
        for (int d = 0; d < dp; d++) {
            replicaTree.setLeaf(d, replicaTime(d));
        }
        replicaTree.rebuild();
        stragglerFactor = stragglerFactor();
    }

    // ---------------------------------------------------------------- links

    private void resetScan() {
        minIntraBw = Double.POSITIVE_INFINITY;
        maxIntraLat = 0;
        minInterBw = Double.POSITIVE_INFINITY;
        maxInterLat = 0;
    }

    private void hop(int from, int to) {
        int nodeA = rankNode[from];
        int nodeB = rankNode[to];
        if (nodeA == nodeB) {
            int gpuA = rankGpu[from];
            int gpuB = rankGpu[to];
            minIntraBw = Math.min(minIntraBw, cluster.intraBandwidthBytesPerSecond(nodeA, gpuA, gpuB));
            maxIntraLat = Math.max(maxIntraLat, cluster.intraLatencySeconds(nodeA, gpuA, gpuB));
        } else {
            // Keys are stored plus one so that the zero-initialised cache starts empty.
            long key = (long) nodeA * cluster.nodeCount() + nodeB + 1;
            int line = (int) ((key * 0x9E3779B97F4A7C15L) >>> 56);
            if (pairKeys[line] != key) {
                pairKeys[line] = key;
                // The node pair's bandwidth is shared by the g GPUs of the node that talk across nodes concurrently.
                pairBandwidth[line] = cluster.interBandwidthBytesPerSecond(nodeA, nodeB) / g;
                pairLatency[line] = cluster.interLatencySeconds(nodeA, nodeB);
            }
            minInterBw = Math.min(minInterBw, pairBandwidth[line]);
            maxInterLat = Math.max(maxInterLat, pairLatency[line]);
        }
    }

    private void scanRing(int base, int stride, int members) {
        resetScan();
        if (members <= 1) {
            return;
        }
        for (int q = 0; q < members; q++) {
            int next = q + 1 == members ? 0 : q + 1;
            hop(base + q * stride, base + next * stride);
        }
    }

    /** Hierarchical all-reduce (cost-models.md §4.4): intra-node ring of k, then inter-node ring of n over S/k. */
    private double hierarchicalAllReduce(int perSlot, int slots, double bytes) {
        double intra = perSlot > 1 ? CollectiveTime.allReduce(perSlot, bytes, minIntraBw, maxIntraLat) : 0;
        double inter = slots > 1 ? CollectiveTime.allReduce(slots, bytes / perSlot, minInterBw, maxInterLat) : 0;
        return intra + inter;
    }

    /** Hierarchical all-gather or reduce-scatter (cost-models.md §4.4). */
    private double hierarchicalAllGather(int perSlot, int slots, double bytes) {
        double intra = perSlot > 1 ? CollectiveTime.allGather(perSlot, bytes, minIntraBw, maxIntraLat) : 0;
        double inter = slots > 1 ? CollectiveTime.allGather(slots, bytes / perSlot, minInterBw, maxInterLat) : 0;
        return intra + inter;
    }

    // ---------------------------------------------------------------- groups

    void priceTensorGroup(int stage, int data, int context) {
        int index = (stage * dp + data) * cp + context;
        int base = rank(0, context, data, stage);
        int firstNode = rankNode[base];
        // A group inside one node whose links are all default and whose GPUs run alike: no need to visit each hop.
        boolean uniform = prep.tpSlots == 1 && rankNode[base + tp - 1] == firstNode && cluster.isUniformNode(firstNode);
        double speed = Double.POSITIVE_INFINITY;
        if (uniform) {
            speed = cluster.relativeSpeed(firstNode, rankGpu[base]);
        } else {
            for (int j = 0; j < tp; j++) {
                int r = base + j;
                speed = Math.min(speed, cluster.relativeSpeed(rankNode[r], rankGpu[r]));
            }
        }
        double exposed = 0;
        double bottleneck = Double.POSITIVE_INFINITY;
        if (tp > 1) {
            if (uniform) {
                resetScan();
                minIntraBw = cluster.defaultIntraBandwidthBytesPerSecond();
                maxIntraLat = cluster.defaultIntraLatencySeconds();
            } else {
                scanRing(base, 1, tp);
            }
            bottleneck = Math.min(minIntraBw, minInterBw);
            double allReduce = hierarchicalAllReduce(prep.tpMembersPerSlot, prep.tpSlots, prep.tpMessageBytes);
            double perCollective = allReduce * prep.efficiency.tensorParallelExposedFraction();
            exposed = prep.tpCollectives[stage] * perCollective;
            if (prep.ladderModules[stage] > 0) {
                // Ladder Residual (cost-models.md §9.3): each ladder module's collective overlaps the next module.
                double cf = prep.moduleForwardSeconds[stage] / speed;
                double cb = prep.moduleBackwardSeconds[stage] / speed;
                double saving = 2
                        * prep.ladderModules[stage]
                        * (Math.max(0, Math.min(perCollective, cf) - PreparedLayout.LADDER_CONTENTION * cf)
                                + Math.max(0, Math.min(perCollective, cb) - PreparedLayout.LADDER_CONTENTION * cb));
                exposed = Math.max(0, exposed - saving);
            }
        }
        tpSpeed[index] = speed;
        tpExposed[index] = exposed;
        tpBottleneck[index] = bottleneck;
        tpStage[index] =
                (prep.forwardSeconds[stage] + prep.backwardSeconds[stage] + prep.recomputeSeconds[stage]) / speed
                        + exposed;
    }

    void priceContextGroup(int stage, int data, int tensor) {
        int index = (stage * dp + data) * tp + tensor;
        if (cp <= 1) {
            cpExposed[index] = 0;
            return;
        }
        scanRing(rank(tensor, 0, data, stage), tp, cp);
        double bw = Math.min(minIntraBw, minInterBw);
        double lat = Math.max(maxIntraLat, maxInterLat);
        // Ring attention (cost-models.md §4.2 p2p): cp−1 KV block exchanges per layer, overlapped with the attention
        // of the block in hand; backward exchanges KV and dKV.
        double forwardComm = prep.cpStepsPerLayer * CollectiveTime.pointToPoint(prep.cpStepBytes, bw, lat);
        int layers = prep.stageLayers[stage];
        double attention = layers > 0 ? prep.attentionForwardSeconds[stage] / layers : 0;
        double exposedPerLayer = Math.max(0, forwardComm - attention) + Math.max(0, 2 * forwardComm - 2.5 * attention);
        cpExposed[index] = layers * exposedPerLayer;
    }

    void pricePipelineHop(int stage, int data) {
        int index = stage * dp + data;
        if (stage >= pp - 1) {
            p2pHop[index] = 0;
            return;
        }
        double worst = 0;
        int next = tp * cp * dp;
        int lastFromNode = -1;
        int lastToNode = -1;
        for (int c = 0; c < cp; c++) {
            for (int j = 0; j < tp; j++) {
                int from = rank(j, c, data, stage);
                int fromNode = rankNode[from];
                int toNode = rankNode[from + next];
                if (fromNode != toNode && fromNode == lastFromNode && toNode == lastToNode) {
                    // Same node pair as the previous TP rank: same link, same time.
                    continue;
                }
                lastFromNode = fromNode;
                lastToNode = toNode;
                resetScan();
                hop(from, from + next);
                double bw = Math.min(minIntraBw, minInterBw);
                double lat = Math.max(maxIntraLat, maxInterLat);
                worst = Math.max(worst, CollectiveTime.pointToPoint(prep.p2pBytes, bw, lat));
            }
        }
        p2pHop[index] = worst;
    }

    /** Exposed data-parallel / ZeRO time of one ring (stage, tensor rank) per iteration. */
    double priceDataRing(int stage, int tensor) {
        int shards = dp * cp;
        dpExposed[stage * tp + tensor] = 0;
        if (shards <= 1) {
            return 0;
        }
        int base = rank(tensor, 0, 0, stage);
        scanRing(base, tp, shards);
        double bytes = prep.dpGradientBytes[stage];
        double exposed;
        if (prep.layout.zeroStage() < 3) {
            double allReduce = hierarchicalAllReduce(prep.dpMembersPerSlot, prep.dpSlots, bytes);
            double window = prep.efficiency.dataParallelOverlapFraction() * prep.backwardSeconds[stage];
            exposed = Math.max(0, allReduce - window);
        } else {
            exposed = prep.microBatches * zero3ExposedPerMicroBatch(stage, base, bytes);
        }
        dpExposed[stage * tp + tensor] = exposed;
        return exposed;
    }

    /** ZeRO-3 / ZeRO++ / hierarchical partitioning per micro-batch (cost-models.md §7.3, §7.5). */
    private double zero3ExposedPerMicroBatch(int stage, int base, double bytes) {
        ZeroPlusPlus zpp = prep.layout.zeroPlusPlus();
        PartitionGroups groups = prep.layout.partitionGroups();
        int k = prep.dpMembersPerSlot;
        int n = prep.dpSlots;
        double intraBw = minIntraBw;
        double intraLat = maxIntraLat;
        double interBw = minInterBw;
        double interLat = maxInterLat;
        double hbm = cluster.gpuType().hbmBandwidthBytesPerSecond() * 0.5;
        double forwardGather = hierarchicalAllGather(k, n, zpp.quantizedWeights() ? bytes * 0.5 * 1.001 : bytes);
        if (zpp.quantizedWeights()) {
            forwardGather += 1.5 * bytes / hbm;
        }
        int secondary = groups.weightsGroupSize() > 0 ? groups.weightsGroupSize() : prep.hpzGroup;
        double backwardGather;
        if (secondary > 1 && secondary < dp * cp) {
            scanRing(base, tp, secondary);
            int[] shape = subgroupShape(secondary);
            backwardGather = hierarchicalAllGather(shape[0], shape[1], bytes);
        } else {
            backwardGather = forwardGather;
        }
        minIntraBw = intraBw;
        maxIntraLat = intraLat;
        minInterBw = interBw;
        maxInterLat = interLat;
        double reduce;
        if (zpp.quantizedGradients() && n > 1) {
            // qgZ: int4 intra-node all-to-all, then inter-node all-to-all of M/(4g) (§7.2).
            reduce = CollectiveTime.allToAll(k, bytes / 4, intraBw, intraLat)
                    + CollectiveTime.allToAll(n, bytes / (4.0 * k), interBw, interLat)
                    + 3 * bytes / hbm;
        } else {
            reduce = hierarchicalAllGather(k, n, bytes);
        }
        if (groups.optimizerStatesGroupSize() > 0 && groups.optimizerStatesGroupSize() < dp * cp) {
            int replicas = dp * cp / groups.optimizerStatesGroupSize();
            double shard = bytes / groups.optimizerStatesGroupSize();
            reduce +=
                    CollectiveTime.allReduce(replicas, shard, Math.min(interBw, intraBw), Math.max(interLat, intraLat))
                            / prep.microBatches;
        }
        double compute = prep.forwardSeconds[stage] + prep.backwardSeconds[stage];
        return Math.max(0, forwardGather + backwardGather + reduce - prep.efficiency.zero3OverlapFraction() * compute);
    }

    private int[] subgroupShape(int members) {
        int perSlot = Math.max(1, Math.min(members, g / Math.max(1, Math.min(g, tp))));
        return new int[] {Math.min(perSlot, members), Math.max(1, (members + perSlot - 1) / perSlot)};
    }

    /** Stage time per micro-batch τ_i of replica {@code data}, including exposed TP/CP and p2p. */
    double stageTime(int stage, int data) {
        double worstTp = 0;
        int tpBase = (stage * dp + data) * cp;
        for (int c = 0; c < cp; c++) {
            worstTp = Math.max(worstTp, tpStage[tpBase + c]);
        }
        double worstCp = 0;
        if (cp > 1) {
            int cpBase = (stage * dp + data) * tp;
            for (int j = 0; j < tp; j++) {
                worstCp = Math.max(worstCp, cpExposed[cpBase + j]);
            }
        }
        return worstTp + worstCp + p2pExposed(stage, data);
    }

    double p2pExposed(int stage, int data) {
        if (pp <= 1) {
            return 0;
        }
        double hop = stage < pp - 1 ? p2pHop[stage * dp + data] : p2pHop[(stage - 1) * dp + data];
        return 2.0 * prep.chunks * prep.efficiency.pipelineP2pExposedFraction() * hop;
    }

    /** Pipeline time of one replica: m·τ_max + (Σ τ_i − τ_max)/v (cost-models.md §5.1 generalised to uneven stages). */
    double replicaTime(int data) {
        double max = 0;
        double sum = 0;
        for (int i = 0; i < pp; i++) {
            double tau = stageTime(i, data);
            max = Math.max(max, tau);
            sum += tau;
        }
        double time = prep.microBatches * max + (sum - max) / prep.chunks;
        replica[data] = time;
        return time;
    }

    // ---------------------------------------------------------------- stragglers

    /** Expected slowdown of the pipeline part from stragglers, after gradient coding (cost-models.md §8.3). */
    double stragglerFactor() {
        GradientCoding coding = prep.layout.gradientCoding();
        if (!cluster.hasStragglers()) {
            return coding.isNone() ? 1 : prep.codedComputeFactor(0, 1);
        }
        int nodes = placement.nodesUsed();
        double noneSlow = 1;
        double slowdown = 1;
        double shiftSum = 0;
        double rateSum = 0;
        int exponential = 0;
        for (int slot = 0; slot < nodes; slot++) {
            StragglerModel model = cluster.straggler(placement.nodeAt(slot));
            if (model.kind() == StragglerModel.Kind.BERNOULLI) {
                noneSlow *= 1 - model.probability();
                slowdown = Math.max(slowdown, model.slowdown());
            } else if (model.kind() == StragglerModel.Kind.SHIFTED_EXPONENTIAL) {
                shiftSum += model.shift();
                rateSum += model.rate();
                exponential++;
            }
        }
        double factor;
        if (exponential > 0) {
            double shift = shiftSum / exponential;
            double rate = rateSum / exponential;
            if (coding.scheme() == GradientCoding.Scheme.FRACTIONAL_REPETITION
                    || coding.scheme() == GradientCoding.Scheme.CYCLIC_REPETITION) {
                factor = GradientCodingTime.shiftedExponentialCoded(dp, dp, coding.stragglersTolerated(), shift, rate);
            } else {
                factor = GradientCodingTime.shiftedExponentialUncoded(nodes, nodes, shift, rate);
            }
        } else if (coding.isNone()) {
            // Uncoded, every replica waits for the slowest node: the iteration is slow when any node used is slow.
            factor = 1 + (slowdown - 1) * (1 - noneSlow);
        } else {
            // A replica is slow when one of its nodes is slow. Replicas that share a node share its fate, so a replica
            // never has a smaller slow probability than a single node (the §8.3 (a) formulas then treat the dp
            // replicas as the n independent workers).
            double nodesPerReplica = Math.max(1.0, (double) nodes / dp);
            double replicaFast = Math.pow(noneSlow, nodesPerReplica / nodes);
            factor = prep.codedComputeFactor(1 - replicaFast, slowdown);
        }
        return Math.max(factor, 0);
    }

    // ---------------------------------------------------------------- results

    double iterationSeconds() {
        double pipeline = replicaTree.max();
        return pipeline * stragglerFactor + dpTree.max() + prep.optimizerSeconds;
    }

    Estimate estimate() {
        int critical = replicaTree.argMax();
        double pipeline = replica[critical];
        int criticalStage = 0;
        double worst = -1;
        for (int i = 0; i < pp; i++) {
            double tau = stageTime(i, critical);
            if (tau > worst) {
                worst = tau;
                criticalStage = i;
            }
        }
        int tpIndex = 0;
        double worstTp = -1;
        for (int c = 0; c < cp; c++) {
            int index = (criticalStage * dp + critical) * cp + c;
            if (tpStage[index] > worstTp) {
                worstTp = tpStage[index];
                tpIndex = index;
            }
        }
        double cpWorst = 0;
        for (int j = 0; j < tp; j++) {
            cpWorst = Math.max(cpWorst, cpExposed[(criticalStage * dp + critical) * tp + j]);
        }
        double m = prep.microBatches;
        double speed = tpSpeed[tpIndex];
        double compute = m * (prep.forwardSeconds[criticalStage] + prep.backwardSeconds[criticalStage]) / speed;
        double recompute = m * prep.recomputeSeconds[criticalStage] / speed;
        double tensor = m * (tpExposed[tpIndex] + cpWorst);
        double p2p = m * p2pExposed(criticalStage, critical);
        double bubble = Math.max(0, pipeline - compute - recompute - tensor - p2p);
        double straggler = pipeline * (stragglerFactor - 1);
        TimeBreakdown breakdown = new TimeBreakdown(
                compute, recompute, bubble, tensor, p2p, dpTree.max(), prep.optimizerSeconds, straggler);
        double iteration = breakdown.totalSeconds();

        List<Violation> violations = new ArrayList<>(prep.staticViolations);
        double slowestTp = Double.POSITIVE_INFINITY;
        for (double bw : tpBottleneck) {
            slowestTp = Math.min(slowestTp, bw);
        }
        double nominal = cluster.gpuType().intraNodeBandwidthBytesPerSecond();
        if (tp > 1 && slowestTp < PreparedLayout.SLOW_TP_LINK_FRACTION * nominal) {
            violations.add(new Violation(
                    ViolationCode.TENSOR_PARALLEL_ACROSS_SLOW_LINK,
                    String.format(
                            "a tensor-parallel group runs at %.1f GB/s per GPU, below %.0f%% of %s NVLink (%.0f GB/s):"
                                    + " keep TP inside a node on healthy links",
                            slowestTp / 1e9,
                            PreparedLayout.SLOW_TP_LINK_FRACTION * 100,
                            cluster.gpuType().name(),
                            nominal / 1e9)));
        }
        double worstRatio = 0;
        int worstRank = -1;
        double peak = 0;
        int ranks = placement.worldSize();
        int perStage = tp * cp * dp;
        double uniformCapacity = cluster.uniformUsableMemoryBytes();
        for (int r = 0; r < ranks; r++) {
            if (uniformCapacity > 0) {
                // Every GPU has the same capacity: the largest stage decides, no need to visit every rank.
                for (StageMemory stage : prep.stageMemory) {
                    if (stage.totalBytes() > peak) {
                        peak = stage.totalBytes();
                        worstRank = stage.stage() * perStage;
                    }
                }
                worstRatio = peak / uniformCapacity;
                break;
            }
            StageMemory stage = prep.stageMemory[r / perStage];
            double total = stage.totalBytes();
            peak = Math.max(peak, total);
            double ratio = total / cluster.usableMemoryBytes(placement.node(r), placement.localGpu(r));
            if (ratio > worstRatio) {
                worstRatio = ratio;
                worstRank = r;
            }
        }
        if (worstRatio > 1 && worstRank >= 0) {
            StageMemory stage = prep.stageMemory[worstRank / perStage];
            violations.add(new Violation(
                    ViolationCode.OUT_OF_MEMORY,
                    String.format(
                            "rank %d (pipeline stage %d, node %d GPU %d) needs %.1f GB but has %.1f GB usable"
                                    + " (weights %.1f, gradients %.1f, optimizer %.1f, activations %.1f GB for %d"
                                    + " micro-batches in flight)",
                            worstRank,
                            stage.stage(),
                            placement.node(worstRank),
                            placement.localGpu(worstRank),
                            stage.totalBytes() / 1e9,
                            cluster.usableMemoryBytes(placement.node(worstRank), placement.localGpu(worstRank)) / 1e9,
                            stage.weightsBytes() / 1e9,
                            stage.gradientsBytes() / 1e9,
                            stage.optimizerStatesBytes() / 1e9,
                            stage.activationsBytes() / 1e9,
                            stage.microBatchesInFlight())));
        }
        double gpus = prep.worldSize;
        double tokensPerSecondPerGpu = prep.tokensPerIteration / iteration / gpus;
        double modelFlopsPerGpu = prep.modelFlopsPerIteration / iteration / gpus;
        return new Estimate(
                iteration,
                breakdown,
                tokensPerSecondPerGpu,
                modelFlopsPerGpu / 1e12,
                modelFlopsPerGpu / prep.peakFlopsPerGpu,
                peak,
                worstRatio,
                List.copyOf(violations),
                prep.stageMemory.clone(),
                placement,
                cluster);
    }
}
