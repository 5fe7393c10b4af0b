package dev.trainingplanner.costmodel.estimate;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.time.CollectiveTime;
import dev.trainingplanner.costmodel.time.ComputeTime;
import dev.trainingplanner.costmodel.time.ContextParallelTime;
import dev.trainingplanner.costmodel.time.ExpertAllToAllTime;
import dev.trainingplanner.costmodel.time.LadderResidual;
import dev.trainingplanner.costmodel.time.PipelineSchedule;
import dev.trainingplanner.costmodel.time.StragglerFactor;
import dev.trainingplanner.costmodel.time.TensorParallelTime;
import dev.trainingplanner.costmodel.time.ZeroTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The placement-dependent part of the cost model. Every communication group is priced on the links it actually uses
 * (cost-models.md §4.3: a ring runs at its slowest hop): one value per TP group, CP group, pipeline hop and DP ring,
 * combined per data-parallel replica (its pipeline, §5). A one-shot evaluation takes the maxima over replicas and DP
 * rings by a scan; a {@link PlacementSession} keeps them in segment trees and re-prices only the groups that contain a
 * moved rank. Ranks are located through the placement's node and GPU orders (rank r on position r / g), so an
 * evaluation allocates O(groups), not O(GPUs).
 */
final class PlacementEvaluator {

    /** Memory in violation messages is in GiB, the unit every human-facing surface uses. */
    private static final double GIB = 1024.0 * 1024.0 * 1024.0;

    private final PreparedLayout prep;
    private final Cluster cluster;
    private final int tp;
    private final int pp;
    private final int dp;
    private final int cp;
    /** GPUs used per node: rank r runs on position r / g of the node order, at local position r % g. */
    private final int g;
    /** log2(g) when g is a power of two (nodes of 8, 4, 2 GPUs), else -1. */
    private final int slotShift;

    Placement placement;

    /** Per TP group (stage, replica, CP rank): stage time per micro-batch including the exposed TP time. */
    final double[] tpStage;

    final double[] tpExposed;
    final double[] tpSpeed;
    final double[] tpBottleneck;
    /** Per CP ring (stage, replica, TP rank); empty without context parallelism. */
    final double[] cpExposed;
    /** Per pipeline hop (stage, replica) to the next stage. */
    final double[] p2pHop;

    final double[] replica;
    /** Per DP ring (stage, TP rank). */
    final double[] dpExposed;
    /** Per DP ring, the part of {@link #dpExposed} that waits for parameter all-gathers. */
    final double[] dpGatherExposed;
    /** Per stage: exposed MoE all-to-all per micro-batch of the stage's worst expert-parallel group. */
    final double[] expertAllToAll;
    /** Per stage: exposed expert-data-parallel gradient reduction of the stage's worst expert-DP group. */
    final double[] expertDataParallel;
    /** Scratch for the all-gather share a collective model reports, so that pricing allocates nothing. */
    private final double[] gatherShare = new double[1];

    double stragglerFactor;

    /**
     * Whether the DP rings of all TP ranks of a stage visit the same node pairs in the same order, so that one price
     * stands for all of them: each node holds exactly one TP group, so consecutive members of every ring are on
     * consecutive nodes of the order, whatever the TP rank.
     */
    final boolean ringsShareNodePairs;

    /** Ring shapes on the GPUs this placement uses per node. */
    private final RingShapes shapes;

    private final LinkScan links;
    /** Scans expert-parallel and expert-DP groups; null for a layout without expert communication. */
    private final LinkScan expertLinks;
    /** Scans the hpZ or weights partition subgroup of a ZeRO-3 ring; created on first use. */
    private LinkScan subgroupLinks;

    PlacementEvaluator(PreparedLayout prep, Placement placement) {
        this.prep = prep;
        this.cluster = prep.cluster;
        this.tp = prep.tp;
        this.pp = prep.pp;
        this.dp = prep.dp;
        this.cp = prep.cp;
        this.placement = placement;
        this.g = placement.gpusPerNodeUsed();
        this.slotShift = Integer.bitCount(g) == 1 ? Integer.numberOfTrailingZeros(g) : -1;
        this.ringsShareNodePairs = tp == g;
        this.shapes = prep.ringShapesFor(g);
        this.links = new LinkScan(cluster, g);
        tpStage = new double[pp * dp * cp];
        tpExposed = new double[pp * dp * cp];
        tpSpeed = new double[pp * dp * cp];
        tpBottleneck = new double[pp * dp * cp];
        cpExposed = new double[cp > 1 ? pp * dp * tp : 0];
        p2pHop = new double[pp * dp];
        replica = new double[dp];
        dpExposed = new double[pp * tp];
        dpGatherExposed = new double[pp * tp];
        expertAllToAll = new double[pp];
        expertDataParallel = new double[pp];
        this.expertLinks = prep.expertCommunication ? new LinkScan(cluster, g) : null;
        evaluateAll();
    }

    PreparedLayout prep() {
        return prep;
    }

    int rank(int tensor, int context, int data, int stage) {
        return tensor + tp * (context + cp * (data + dp * stage));
    }

    private void evaluateAll() {
        for (int i = 0; i < pp; i++) {
            priceExpertGroups(i);
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
            // With one DP member per node and TP groups inside a node (as the prepared ring shapes see it), the rings
            // of all TP ranks of a stage visit the same node pairs in the same order: price one, copy it.
            if (ringsShareNodePairs || (shapes.dpMembersPerSlot() == 1 && shapes.tpSlots() == 1)) {
                priceSharedDataRings(i);
            } else {
                for (int j = 0; j < tp; j++) {
                    priceDataRing(i, j);
                }
            }
        }
        for (int d = 0; d < dp; d++) {
            replicaTime(d);
        }
        stragglerFactor = stragglerFactor();
    }

    // ---------------------------------------------------------------- links

    /** Position in the node order of the node that runs {@code rank}. */
    private int slotOf(int rank) {
        // A shift costs a fraction of an integer division, and the hot loops need this for every group.
        return slotShift >= 0 ? rank >>> slotShift : rank / g;
    }

    /** Adds the link from rank {@code from} to rank {@code to} to {@code scan}. */
    private void hop(LinkScan scan, int from, int to) {
        int slotA = slotOf(from);
        int slotB = slotOf(to);
        if (slotA == slotB) {
            scan.intraHop(
                    placement.nodeAt(slotA),
                    placement.gpuAt(slotA, from - slotA * g),
                    placement.gpuAt(slotA, to - slotA * g));
        } else {
            scan.interHop(placement.nodeAt(slotA), placement.nodeAt(slotB));
        }
    }

    /** Resets {@code scan} and adds the hops of the ring {@code base, base + stride, ...} of {@code members} ranks. */
    private void scanRing(LinkScan scan, int base, int stride, int members) {
        scan.reset();
        if (members <= 1) {
            return;
        }
        for (int q = 0; q < members; q++) {
            int next = q + 1 == members ? 0 : q + 1;
            hop(scan, base + q * stride, base + next * stride);
        }
    }

    // ---------------------------------------------------------------- groups

    void priceTensorGroup(int stage, int data, int context) {
        int index = (stage * dp + data) * cp + context;
        int base = tp * index;
        int slot = slotOf(base);
        int node = placement.nodeAt(slot);
        boolean inOneNode = slotOf(base + tp - 1) == slot;
        if (shapes.tpSlots() == 1 && inOneNode && cluster.isUniformNode(node)) {
            // A group inside one node whose links are all default and whose GPUs run alike: its links and collective
            // time are the layout's constants, no need to visit each hop.
            double speed = cluster.relativeSpeed(node, placement.gpuAt(slot, base - slot * g));
            setTensorGroup(
                    index,
                    stage,
                    speed,
                    prep.uniformTpCollectiveSeconds,
                    tp > 1 ? cluster.defaultIntraBandwidthBytesPerSecond() : Double.POSITIVE_INFINITY);
        } else {
            double speed = inOneNode ? scanTensorGroupInNode(slot, node, base - slot * g) : scanTensorGroup(base);
            setScannedTensorGroup(index, stage, speed);
        }
    }

    /** Prices a TP group on the ring that {@link #links} has just scanned. */
    private void setScannedTensorGroup(int index, int stage, double speed) {
        if (tp <= 1) {
            setTensorGroup(index, stage, speed, 0, Double.POSITIVE_INFINITY);
            return;
        }
        double perCollective = TensorParallelTime.exposedSeconds(
                links.hierarchicalAllReduce(shapes.tpMembersPerSlot(), shapes.tpSlots(), prep.tpMessageBytes),
                prep.efficiency.tensorParallelExposedFraction());
        setTensorGroup(index, stage, speed, perCollective, links.bottleneckBandwidth());
    }

    /**
     * Records a TP group that runs at {@code speed} and whose collectives take {@code perCollective} each, on links of
     * at least {@code bottleneck} bytes/s.
     */
    private void setTensorGroup(int index, int stage, double speed, double perCollective, double bottleneck) {
        double exposed = tp > 1 ? exposedTensorSeconds(stage, perCollective, speed) : 0;
        tpSpeed[index] = speed;
        tpExposed[index] = exposed;
        tpBottleneck[index] = bottleneck;
        tpStage[index] = prep.stageComputeSeconds[stage] / speed + exposed;
    }

    /**
     * Scans the ring of a TP group whose ranks all run on {@code node} (position {@code slot}), from local position
     * {@code local}, into {@link #links}; returns the group's speed (its slowest GPU).
     */
    private double scanTensorGroupInNode(int slot, int node, int local) {
        links.reset();
        double speed = Double.POSITIVE_INFINITY;
        for (int q = 0; q < tp; q++) {
            int gpu = placement.gpuAt(slot, local + q);
            speed = Math.min(speed, cluster.relativeSpeed(node, gpu));
            if (tp > 1) {
                links.intraHop(node, gpu, placement.gpuAt(slot, local + (q + 1 == tp ? 0 : q + 1)));
            }
        }
        return speed;
    }

    /** Scans the ring of a TP group that spans nodes into {@link #links}; returns the group's speed. */
    private double scanTensorGroup(int base) {
        double speed = Double.POSITIVE_INFINITY;
        for (int r = base; r < base + tp; r++) {
            int slot = slotOf(r);
            speed = Math.min(speed, cluster.relativeSpeed(placement.nodeAt(slot), placement.gpuAt(slot, r - slot * g)));
        }
        scanRing(links, base, 1, tp);
        return speed;
    }

    /** Exposed TP time per micro-batch of a stage whose group's collectives take {@code perCollective} each. */
    private double exposedTensorSeconds(int stage, double perCollective, double speed) {
        double exposed = prep.tpCollectives[stage] * perCollective;
        if (prep.ladderLayers[stage] == 0) {
            return exposed;
        }
        return LadderResidual.exposedSeconds(
                exposed,
                perCollective,
                prep.ladderLayers[stage],
                prep.moduleForwardSeconds / speed,
                prep.moduleBackwardSeconds / speed);
    }

    void priceContextGroup(int stage, int data, int tensor) {
        if (cp <= 1) {
            return;
        }
        int index = (stage * dp + data) * tp + tensor;
        scanRing(links, rank(tensor, 0, data, stage), tp, cp);
        double forwardPerLayer = ContextParallelTime.forwardSecondsPerLayer(
                cp, prep.cpStepBytes, links.bottleneckBandwidth(), links.worstLatency());
        cpExposed[index] = ContextParallelTime.exposedStageSeconds(
                prep.stageLayers[stage], prep.attentionForwardSeconds[stage], forwardPerLayer);
    }

    /** Slowest send of any (TP, CP) rank of replica {@code data} from {@code stage} to the next stage. */
    void pricePipelineHop(int stage, int data) {
        int index = stage * dp + data;
        if (stage >= pp - 1) {
            p2pHop[index] = 0;
            return;
        }
        int next = tp * cp * dp;
        int first = tp * cp * index;
        int end = first + tp * cp;
        double worst = 0;
        int from = first;
        while (from < end) {
            int fromSlot = slotOf(from);
            int toSlot = slotOf(from + next);
            // The ranks before runEnd send from the same node to the same node.
            int runEnd = Math.min(end, Math.min((fromSlot + 1) * g, (toSlot + 1) * g - next));
            int fromNode = placement.nodeAt(fromSlot);
            if (fromSlot != toSlot && cluster.sameNvlinkDomain(fromNode, placement.nodeAt(toSlot))) {
                // Trays of one NVLink domain: every GPU has its own NVLink port, as inside a node.
                worst = Math.max(worst, prep.uniformIntraP2pSeconds);
            } else if (fromSlot != toSlot) {
                // One node pair, one link, one time for the whole run; the GPUs of a node share its link (LinkScan).
                int toNode = placement.nodeAt(toSlot);
                double bandwidth = cluster.interBandwidthBytesPerSecond(fromNode, toNode) / g;
                double latency = cluster.interLatencySeconds(fromNode, toNode);
                worst = Math.max(worst, CollectiveTime.pointToPoint(prep.p2pBytes, bandwidth, latency));
            } else if (cluster.isUniformNode(fromNode)) {
                worst = Math.max(worst, prep.uniformIntraP2pSeconds);
            } else {
                worst = Math.max(worst, slowestSendInNode(fromSlot, fromNode, from, runEnd, next));
            }
            from = runEnd;
        }
        p2pHop[index] = worst;
    }

    /** Prices the DP ring of TP rank 0 of {@code stage} and copies it to the other TP ranks' rings. */
    double priceSharedDataRings(int stage) {
        double exposed = priceDataRing(stage, 0);
        for (int j = 1; j < tp; j++) {
            dpExposed[stage * tp + j] = exposed;
            dpGatherExposed[stage * tp + j] = dpGatherExposed[stage * tp];
        }
        return exposed;
    }

    /** Slowest send from ranks {@code from..end-1} to the ranks {@code next} later, all on {@code node}. */
    private double slowestSendInNode(int slot, int node, int from, int end, int next) {
        double worst = 0;
        for (int r = from; r < end; r++) {
            links.reset();
            links.intraHop(node, placement.gpuAt(slot, r - slot * g), placement.gpuAt(slot, r + next - slot * g));
            worst = Math.max(
                    worst,
                    CollectiveTime.pointToPoint(prep.p2pBytes, links.bottleneckBandwidth(), links.worstLatency()));
        }
        return worst;
    }

    /** Exposed data-parallel / ZeRO time of one ring (stage, tensor rank) per iteration. */
    double priceDataRing(int stage, int tensor) {
        int shards = dp * cp;
        int ring = stage * tp + tensor;
        dpExposed[ring] = 0;
        dpGatherExposed[ring] = 0;
        if (shards <= 1) {
            dpExposed[ring] = expertDataParallel[stage];
            return dpExposed[ring];
        }
        int base = rank(tensor, 0, 0, stage);
        scanRing(links, base, tp, shards);
        double bytes = prep.dpGradientBytes[stage];
        double exposed;
        if (prep.layout.zeroStage() < 3) {
            exposed = prep.dataParallelTime.exposedSeconds(
                    stage,
                    links.membersPerSlot(shapes.dpMembersPerSlot(), shapes.dpSlots()),
                    links.slots(shapes.dpMembersPerSlot(), shapes.dpSlots()),
                    bytes,
                    links.minIntraBandwidth(),
                    links.maxIntraLatency(),
                    links.minInterBandwidth(),
                    links.maxInterLatency(),
                    prep.backwardSeconds[stage],
                    prep.forwardSeconds[stage],
                    gatherShare);
            dpGatherExposed[ring] = gatherShare[0];
        } else {
            exposed = prep.microBatches * zero3ExposedPerMicroBatch(stage, base, bytes);
            dpGatherExposed[ring] = prep.microBatches * gatherShare[0];
        }
        dpExposed[ring] = exposed + expertDataParallel[stage];
        return dpExposed[ring];
    }

    /**
     * ZeRO-3 / ZeRO++ / hierarchical partitioning per micro-batch ({@link ZeroTime}) on the DP ring from rank
     * {@code base} whose links {@link #links} has just scanned; the backward all-gather of a secondary group is priced on
     * that group's own links. Leaves the all-gathers' share in {@link #gatherShare}.
     */
    private double zero3ExposedPerMicroBatch(int stage, int base, double bytes) {
        ZeroTime zero = prep.zeroTime;
        double secondaryGather = 0;
        if (zero.secondaryGroupSize() > 0) {
            if (subgroupLinks == null) {
                subgroupLinks = new LinkScan(cluster, g);
            }
            scanRing(subgroupLinks, base, tp, zero.secondaryGroupSize());
            secondaryGather = subgroupLinks.hierarchicalAllGather(
                    shapes.secondaryMembersPerSlot(), shapes.secondarySlots(), zero.gatherCallBytes(stage, bytes));
        }
        return zero.exposedPerMicroBatch(
                stage,
                links.membersPerSlot(shapes.dpMembersPerSlot(), shapes.dpSlots()),
                links.slots(shapes.dpMembersPerSlot(), shapes.dpSlots()),
                bytes,
                links.minIntraBandwidth(),
                links.maxIntraLatency(),
                links.minInterBandwidth(),
                links.maxInterLatency(),
                secondaryGather,
                gatherShare);
    }

    /**
     * Prices the MoE communication of {@code stage}: the dispatch and combine all-to-alls of each expert-parallel group
     * and the expert-gradient reduction of each expert-DP group, on the links the group's ranks use; keeps the worst
     * group of each kind. Megatron-Core orders a stage's tp·cp·dp ranks as etp × ep × expert-DP (etp fastest), so EP
     * group members are etp apart and expert-DP members etp·ep apart.
     */
    void priceExpertGroups(int stage) {
        expertAllToAll[stage] = 0;
        expertDataParallel[stage] = 0;
        if (!prep.expertCommunication || prep.moeLayers[stage] == 0) {
            return;
        }
        int ep = prep.layout.ep();
        int etp = prep.layout.etp();
        int stageGpus = tp * cp * dp;
        int shards = Math.max(1, Math.min(stageGpus, ep * etp));
        int expertDp = stageGpus / shards;
        int stageBase = stage * stageGpus;
        double worstAllToAll = 0;
        if (ep > 1) {
            int members = Math.min(ep, stageGpus);
            for (int group = 0; group < stageGpus / members; group++) {
                int base = stageBase + group % etp + (group / etp) * etp * ep;
                // A layout whose ep·etp does not divide the stage is a violation; its whole groups are still priced.
                if (base + (members - 1) * etp < stageBase + stageGpus) {
                    worstAllToAll = Math.max(worstAllToAll, expertAllToAllSeconds(base, etp, members));
                }
            }
        }
        double exposedPerLayer = ExpertAllToAllTime.exposedSeconds(
                worstAllToAll, prep.layout.expertParallelism().allToAllOverlap(), prep.moeLayerComputeSeconds);
        expertAllToAll[stage] = prep.moeLayers[stage] * exposedPerLayer;
        if (expertDp > 1) {
            double worst = 0;
            for (int group = 0; group < shards; group++) {
                scanExpertGroup(stageBase + group, shards, expertDp);
                worst = Math.max(
                        worst,
                        prep.expertDataParallelTime.exposedSeconds(
                                stage,
                                1,
                                expertDp,
                                prep.expertGradientBytes[stage],
                                expertLinks.minIntraBandwidth(),
                                expertLinks.maxIntraLatency(),
                                expertLinks.bottleneckBandwidth(),
                                expertLinks.worstLatency(),
                                prep.backwardSeconds[stage],
                                prep.forwardSeconds[stage],
                                gatherShare));
            }
            expertDataParallel[stage] = worst;
        }
    }

    /**
     * One MoE layer's all-to-all time per micro-batch on the EP group of {@code members} ranks from {@code base},
     * {@code stride} apart: its NVLink island size is the members that share the first member's node or NVLink domain.
     */
    private double expertAllToAllSeconds(int base, int stride, int members) {
        int firstNode = placement.nodeAt(slotOf(base));
        int island = 0;
        for (int q = 0; q < members; q++) {
            if (cluster.sameNvlinkDomain(firstNode, placement.nodeAt(slotOf(base + q * stride)))) {
                island++;
            }
        }
        scanExpertGroup(base, stride, members);
        var experts = prep.layout.expertParallelism();
        int topK = prep.model.mixtureOfExperts().topK();
        double h = prep.model.hiddenSize();
        double nvlink = expertLinks.minIntraBandwidth();
        double network = expertLinks.minInterBandwidth();
        double dispatch = ExpertAllToAllTime.oneWaySeconds(
                experts.dispatcher(),
                members,
                island,
                prep.dispatchedTokensPerGpu,
                topK,
                h,
                prep.dispatchBytesPerElement,
                nvlink,
                expertLinks.maxIntraLatency(),
                network,
                expertLinks.maxInterLatency());
        double sixteenBit = ExpertAllToAllTime.oneWaySeconds(
                experts.dispatcher(),
                members,
                island,
                prep.dispatchedTokensPerGpu,
                topK,
                h,
                ComputeTime.ACTIVATION_BYTES,
                nvlink,
                expertLinks.maxIntraLatency(),
                network,
                expertLinks.maxInterLatency());
        return ExpertAllToAllTime.layerSeconds(dispatch, sixteenBit, prep.layout.recompute() == Recompute.FULL);
    }

    /**
     * Scans the ring of {@code members} ranks from {@code base}, {@code stride} apart, into {@link #expertLinks}; hops
     * between nodes of one NVLink domain are NVLink hops ({@link LinkScan#interHop}).
     */
    private void scanExpertGroup(int base, int stride, int members) {
        expertLinks.reset();
        if (members <= 1) {
            return;
        }
        for (int q = 0; q < members; q++) {
            int from = base + q * stride;
            int to = base + (q + 1 == members ? 0 : q + 1) * stride;
            int slotA = slotOf(from);
            int slotB = slotOf(to);
            int nodeA = placement.nodeAt(slotA);
            int nodeB = placement.nodeAt(slotB);
            if (slotA == slotB) {
                expertLinks.intraHop(
                        nodeA, placement.gpuAt(slotA, from - slotA * g), placement.gpuAt(slotA, to - slotA * g));
            } else {
                expertLinks.interHop(nodeA, nodeB);
            }
        }
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
        return worstTp + worstCp + p2pExposed(stage, data) + expertAllToAll[stage];
    }

    double p2pExposed(int stage, int data) {
        if (pp <= 1) {
            return 0;
        }
        double hop = stage < pp - 1 ? p2pHop[stage * dp + data] : p2pHop[(stage - 1) * dp + data];
        return prep.p2pExposedPerHopSecond * hop;
    }

    /** Pipeline time of one replica ({@link PipelineSchedule}, cost-models.md §5.1). */
    double replicaTime(int data) {
        double max = 0;
        double sum = 0;
        for (int i = 0; i < pp; i++) {
            double tau = stageTime(i, data);
            max = Math.max(max, tau);
            sum += tau;
        }
        double time = PipelineSchedule.replicaSeconds(prep.microBatches, max, sum, prep.chunks);
        replica[data] = time;
        return time;
    }

    // ---------------------------------------------------------------- stragglers

    /** Expected slowdown of the pipeline part from stragglers, after gradient coding ({@link StragglerFactor}). */
    double stragglerFactor() {
        return StragglerFactor.expected(prep.layout.gradientCoding(), dp, cluster, placement);
    }

    // ---------------------------------------------------------------- results

    /** The replica with the slowest pipeline (the first of equals), by a scan: for a one-shot evaluation. */
    int slowestReplica() {
        int slowest = 0;
        double time = Double.NEGATIVE_INFINITY;
        for (int d = 0; d < dp; d++) {
            if (replica[d] > time) {
                time = replica[d];
                slowest = d;
            }
        }
        return slowest;
    }

    /** Exposed time of the worst DP ring, by a scan: for a one-shot evaluation. */
    double worstDataRing() {
        double worst = Double.NEGATIVE_INFINITY;
        for (double exposed : dpExposed) {
            worst = Math.max(worst, exposed);
        }
        return worst;
    }

    /** The estimate of a one-shot evaluation. */
    Estimate estimate() {
        return estimate(slowestReplica(), worstDataRing());
    }

    /**
     * The estimate, given the replica with the slowest pipeline and the worst DP ring's exposed time (a session keeps
     * both in segment trees).
     */
    Estimate estimate(int critical, double dataParallelSeconds) {
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
        for (int j = 0; j < tp && cp > 1; j++) {
            cpWorst = Math.max(cpWorst, cpExposed[(criticalStage * dp + critical) * tp + j]);
        }
        double m = prep.microBatches;
        double speed = tpSpeed[tpIndex];
        double compute = m
                * (prep.forwardSeconds[criticalStage]
                        + prep.backwardSeconds[criticalStage]
                        + prep.frameworkSeconds[criticalStage])
                / speed;
        double recompute = m * prep.recomputeSeconds[criticalStage] / speed;
        double tensor = m * (tpExposed[tpIndex] + cpWorst);
        double p2p = m * p2pExposed(criticalStage, critical);
        double allToAll = m * expertAllToAll[criticalStage];
        double bubble = Math.max(0, pipeline - compute - recompute - tensor - p2p - allToAll);
        double straggler = pipeline * (stragglerFactor - 1);
        TimeBreakdown breakdown = new TimeBreakdown(
                compute,
                recompute,
                bubble,
                tensor,
                p2p,
                dataParallelSeconds,
                prep.optimizerSeconds,
                straggler,
                allToAll,
                gatherShareOfWorstRing(dataParallelSeconds));
        double iteration = breakdown.totalSeconds();

        List<Violation> violations = new ArrayList<>(0);
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
                            "rank %d (pipeline stage %d, node %d GPU %d) needs %.1f GiB but has %.1f GiB usable"
                                    + " (weights %.1f, gradients %.1f, optimizer %.1f, activations %.1f GiB for %d"
                                    + " micro-batches in flight)",
                            worstRank,
                            stage.stage(),
                            placement.node(worstRank),
                            placement.localGpu(worstRank),
                            stage.totalBytes() / GIB,
                            cluster.usableMemoryBytes(placement.node(worstRank), placement.localGpu(worstRank)) / GIB,
                            stage.weightsBytes() / GIB,
                            stage.gradientsBytes() / GIB,
                            stage.optimizerStatesBytes() / GIB,
                            stage.activationsBytes() / GIB,
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
                withStaticViolations(violations),
                // Immutable records in an array that nothing writes after prepare: shared, not copied.
                prep.stageMemory,
                placement,
                cluster);
    }

    /** The parameter all-gathers' share of the first DP ring whose exposed time is {@code worst}. */
    private double gatherShareOfWorstRing(double worst) {
        for (int ring = 0; ring < dpExposed.length; ring++) {
            if (dpExposed[ring] == worst) {
                return dpGatherExposed[ring];
            }
        }
        return 0;
    }

    /** The layout's static violations followed by {@code placementViolations}; most estimates add none. */
    private List<Violation> withStaticViolations(List<Violation> placementViolations) {
        if (placementViolations.isEmpty()) {
            return prep.staticViolations;
        }
        List<Violation> all = new ArrayList<>(prep.staticViolations);
        all.addAll(placementViolations);
        return List.copyOf(all);
    }
}
