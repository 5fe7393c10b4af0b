package dev.trainingplanner.costmodel.time;

import dev.trainingplanner.costmodel.calibration.GpuEfficiency;
import dev.trainingplanner.costmodel.cluster.GpuType;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.PartitionGroups;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.layout.ZeroPlusPlus;
import dev.trainingplanner.costmodel.training.CollectiveBuckets;

/**
 * ZeRO-3 / FSDP communication per micro-batch, priced per call as the framework issues it, with ZeRO++ and
 * hierarchical partition groups (cost-models.md §7.3, time model for the planner; §7.2 ZeRO++; §7.4–7.5 partition
 * groups), for one DP ring of P = dp·cp ranks that lies as {@code perSlot} members on each of {@code slots} nodes, M
 * the 16-bit bytes of the stage's shard, L the stage's layers, M_l = M/L:
 *
 * <pre>
 * gather calls per layer  g = ⌈Ψ_i/L / gather bucket⌉ (DeepSpeed stage3_prefetch_bucket_size; FSDP 1 per block)
 * reduce calls per stage  r = ⌈Ψ_i / reduce bucket⌉  (DeepSpeed reduce_bucket_size; FSDP L, one per block)
 * AG_l    = g · T_AG(P, M_l/g)             qwZ: of M_l/g·½·(1+ε) plus (M_l/g)·1.5 / (η_q·HBM) per call
 * bAG_l   = g · T_AG(secondary group, M_l/g) on its own links (hpZ or weights partition group), else AG_l
 * RS_l    = (r/L) · T_RS(P, M/r)           qgZ on more than one node: int4 all-to-alls per call + 3·M/r/(η_q·HBM)
 * rAG_l   = AG_l with full recompute (the recompute pass gathers the layer again), else 0
 * exposed = AG_l + bAG_l + rAG_l + RS_l         the first gathers of each pass and the last reduction: no compute
 *                                               is left to hide them
 *         + (L − 1) · max(0, AG_l − η·F_l)                    a layer's prefetch hides behind one layer's compute only
 *         + (L − 1) · max(0, bAG_l + rAG_l + RS_l − η·(B_l + R_l))   likewise in backward (and recompute)
 *         + (optimizer-state group k_OS < P) T_AR(P/k_OS, M/k_OS; slowest link) / m
 * </pre>
 *
 * F_l, B_l, R_l are one layer's forward, backward and recompute time; η the calibrated overlap fraction. Each call is
 * a hierarchical NCCL collective ({@link CollectiveTime#hierarchical}) and pays its own latency steps, so smaller
 * buckets never price faster. One instance holds a layout's options and per-stage call counts; the link values of each
 * ring are passed in, so that the evaluator prices any ring without allocating.
 */
public final class ZeroTime {

    /** qwZ sends int8 weights: half the bytes of the 16-bit weights (§7.2). */
    public static final double QWZ_WIRE_FRACTION = 0.5;
    /** qwZ's fp32 block scales on the wire: 1 + ε, ε ≈ 4 B per block of about 4k int8 values (§7.2). */
    public static final double QWZ_SCALE_OVERHEAD = 1.001;
    /** HBM bytes of qwZ quantisation plus dequantisation per byte of M: read M, write M/2 (§7.2). */
    public static final double QWZ_QUANTIZATION_TRAFFIC = 1.5;
    /** qgZ sends int4 gradients: a quarter of the 16-bit bytes (§7.2). */
    public static final double QGZ_COMPRESSION = 4;
    /** qgZ's passes over M through HBM: quantise, dequantise-reduce-requantise, dequantise (§7.2, 3·T_(de)quant). */
    public static final double QGZ_QUANTIZATION_PASSES = 3;
    /** η_q: fraction of HBM bandwidth the (de)quantisation kernels reach, §7.2's starting value. */
    public static final double QUANTIZATION_HBM_EFFICIENCY = 0.5;

    private final boolean quantizedWeights;
    private final boolean quantizedGradients;
    private final int secondaryGroupSize;
    private final int optimizerStatesGroupSize;
    private final int shards;
    private final double microBatches;
    private final double quantizationBytesPerSecond;
    private final double overlapFraction;
    private final boolean regatherInRecompute;
    private final int[] stageLayers;
    private final double[] gatherCallsPerLayer;
    private final double[] reduceCalls;
    private final double[] layerForwardSeconds;
    private final double[] layerBackwardSeconds;
    private final double[] layerRecomputeSeconds;

    /**
     * The ZeRO-3 terms of {@code layout} on {@code gpu}, with {@code microBatches} micro-batches per step, for stages of
     * {@code stageLayers} layers and {@code stageParameters} parameters whose forward, backward and recompute take the
     * given seconds per micro-batch, issued in {@code buckets}.
     */
    public ZeroTime(
            Layout layout,
            GpuType gpu,
            GpuEfficiency efficiency,
            double microBatches,
            CollectiveBuckets buckets,
            int[] stageLayers,
            double[] stageParameters,
            double[] forwardSeconds,
            double[] backwardSeconds,
            double[] recomputeSeconds) {
        ZeroPlusPlus zpp = layout.zeroPlusPlus();
        PartitionGroups groups = layout.partitionGroups();
        this.shards = layout.dp() * layout.cp();
        this.quantizedWeights = zpp.quantizedWeights();
        this.quantizedGradients = zpp.quantizedGradients();
        int hpzGroup = Math.min(Math.max(1, zpp.hpzGroupSize()), shards);
        int secondary = groups.weightsGroupSize() > 0 ? groups.weightsGroupSize() : hpzGroup;
        this.secondaryGroupSize = secondary > 1 && secondary < shards ? secondary : 0;
        int optimizerGroup = groups.optimizerStatesGroupSize();
        this.optimizerStatesGroupSize = optimizerGroup > 0 && optimizerGroup < shards ? optimizerGroup : 0;
        this.microBatches = microBatches;
        this.quantizationBytesPerSecond = gpu.hbmBandwidthBytesPerSecond() * QUANTIZATION_HBM_EFFICIENCY;
        this.overlapFraction = efficiency.zero3OverlapFraction();
        this.regatherInRecompute = layout.recompute() == Recompute.FULL;
        int stages = stageLayers.length;
        this.stageLayers = stageLayers.clone();
        this.gatherCallsPerLayer = new double[stages];
        this.reduceCalls = new double[stages];
        this.layerForwardSeconds = new double[stages];
        this.layerBackwardSeconds = new double[stages];
        this.layerRecomputeSeconds = new double[stages];
        for (int i = 0; i < stages; i++) {
            int layers = Math.max(1, stageLayers[i]);
            gatherCallsPerLayer[i] = buckets.gatherCallsPerLayer(stageParameters[i] / layers);
            reduceCalls[i] = buckets.reduceCalls(layers, stageParameters[i]);
            layerForwardSeconds[i] = forwardSeconds[i] / layers;
            layerBackwardSeconds[i] = backwardSeconds[i] / layers;
            layerRecomputeSeconds[i] = recomputeSeconds[i] / layers;
        }
    }

    /** Bytes of one all-gather call of {@code stage} whose shard has {@code bytes} 16-bit bytes. */
    public double gatherCallBytes(int stage, double bytes) {
        return bytes / Math.max(1, stageLayers[stage]) / gatherCallsPerLayer[stage];
    }

    /** All-gather calls per layer of {@code stage}. */
    public double gatherCallsPerLayer(int stage) {
        return gatherCallsPerLayer[stage];
    }

    /** Reduce-scatter calls per micro-batch of {@code stage}. */
    public double reduceCalls(int stage) {
        return reduceCalls[stage];
    }

    /**
     * Ranks of the group that runs the backward all-gather when it is smaller than the DP ring (hpZ's secondary
     * partition, or the weights partition group), else 0: the backward all-gather then runs like the forward one.
     */
    public int secondaryGroupSize() {
        return secondaryGroupSize;
    }

    /**
     * Exposed time per micro-batch of the all-gathers and gradient reductions of {@code stage} whose shard has {@code
     * bytes} 16-bit bytes, on a DP ring of {@code perSlot} members on each of {@code slots} nodes with the ring's
     * slowest links (intra-node, and per GPU between nodes), each layer's calls hidden only behind that layer's compute
     * (class comment). {@code secondaryGatherCallSeconds} is one backward all-gather call of {@link #gatherCallBytes}
     * in the secondary group, read only when there is one ({@link #secondaryGroupSize()} above 0). The all-gathers'
     * share of the exposed time is written to {@code gatherShare[0]} (the caller's scratch, so that pricing allocates
     * nothing); the backward excess is shared in proportion to the time each kind of call takes.
     */
    public double exposedPerMicroBatch(
            int stage,
            int perSlot,
            int slots,
            double bytes,
            double intraBandwidth,
            double intraLatency,
            double interBandwidth,
            double interLatency,
            double secondaryGatherCallSeconds,
            double[] gatherShare) {
        double layers = Math.max(1, stageLayers[stage]);
        double gathers = gatherCallsPerLayer[stage];
        double gatherBytes = bytes / layers / gathers;
        double gatherCall = quantizedWeights
                ? CollectiveTime.hierarchical(
                                CollectiveTime.Ring.ALL_GATHER,
                                perSlot,
                                slots,
                                gatherBytes * QWZ_WIRE_FRACTION * QWZ_SCALE_OVERHEAD,
                                intraBandwidth,
                                intraLatency,
                                interBandwidth,
                                interLatency)
                        + QWZ_QUANTIZATION_TRAFFIC * gatherBytes / quantizationBytesPerSecond
                : CollectiveTime.hierarchical(
                        CollectiveTime.Ring.ALL_GATHER,
                        perSlot,
                        slots,
                        gatherBytes,
                        intraBandwidth,
                        intraLatency,
                        interBandwidth,
                        interLatency);
        double forwardGather = gathers * gatherCall;
        double backwardGather = secondaryGroupSize > 0 ? gathers * secondaryGatherCallSeconds : forwardGather;
        double recomputeGather = regatherInRecompute ? forwardGather : 0;
        double calls = reduceCalls[stage];
        double reduceBytes = bytes / calls;
        double reduceCall;
        if (quantizedGradients && slots > 1) {
            // qgZ: int4 intra-node all-to-all, then inter-node all-to-all of M/(4g), per call.
            reduceCall = CollectiveTime.allToAll(perSlot, reduceBytes / QGZ_COMPRESSION, intraBandwidth, intraLatency)
                    + CollectiveTime.allToAll(
                            slots, reduceBytes / (QGZ_COMPRESSION * perSlot), interBandwidth, interLatency)
                    + QGZ_QUANTIZATION_PASSES * reduceBytes / quantizationBytesPerSecond;
        } else {
            // T_RS has the ring traffic and steps of T_AG.
            reduceCall = CollectiveTime.hierarchical(
                    CollectiveTime.Ring.ALL_GATHER,
                    perSlot,
                    slots,
                    reduceBytes,
                    intraBandwidth,
                    intraLatency,
                    interBandwidth,
                    interLatency);
        }
        double reduce = calls / layers * reduceCall;
        double forwardWindow = overlapFraction * layerForwardSeconds[stage];
        double backwardWindow = overlapFraction * (layerBackwardSeconds[stage] + layerRecomputeSeconds[stage]);
        double forwardExposed = forwardGather + (layers - 1) * Math.max(0, forwardGather - forwardWindow);
        double backwardGathers = backwardGather + recomputeGather;
        double backwardComm = backwardGathers + reduce;
        double backwardExcess = (layers - 1) * Math.max(0, backwardComm - backwardWindow);
        gatherShare[0] = forwardExposed
                + backwardGathers
                + (backwardComm > 0 ? backwardExcess * backwardGathers / backwardComm : 0);
        double exposed = forwardExposed + backwardComm + backwardExcess;
        if (optimizerStatesGroupSize > 0) {
            // Optimizer shards replicated across P/k_OS groups: all-reduce of the M/k_OS shard once per step, on the
            // slowest link of the ring (§7.4, §7.5).
            int replicas = shards / optimizerStatesGroupSize;
            double shard = bytes / optimizerStatesGroupSize;
            exposed += CollectiveTime.allReduce(
                            replicas,
                            shard,
                            Math.min(interBandwidth, intraBandwidth),
                            Math.max(interLatency, intraLatency))
                    / microBatches;
        }
        return exposed;
    }
}
