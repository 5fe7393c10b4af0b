package dev.trainingplanner.costmodel.time;

import dev.trainingplanner.costmodel.calibration.GpuEfficiency;
import dev.trainingplanner.costmodel.cluster.GpuType;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.PartitionGroups;
import dev.trainingplanner.costmodel.layout.ZeroPlusPlus;

/**
 * ZeRO-3 communication per micro-batch, with ZeRO++ and hierarchical partition groups (cost-models.md §7.3, time model
 * for the planner; §7.2 ZeRO++; §7.4–7.5 partition groups), for one DP ring of P = dp·cp ranks that lies as
 * {@code perSlot} members on each of {@code slots} nodes, M the 16-bit bytes of the stage's shard:
 *
 * <pre>
 * T_fwdAG = T_AG(P, qwZ ? M/2·(1+ε) : M) + (qwZ ? (M + M/2) / (η_q·HBM) : 0)
 * T_bwdAG = T_AG(secondary group, M) on its own links (hpZ or weights partition group), else T_fwdAG
 * T_RS    = qgZ and slots > 1 ? T_A2A(perSlot, M/4; intra) + T_A2A(slots, M/(4·perSlot); inter) + 3·M/(η_q·HBM)
 *                             : T_RS(P, M)
 *         + (optimizer-state group k_OS < P) T_AR(P/k_OS, M/k_OS; slowest link) / m
 * exposed = max(0, T_fwdAG + T_bwdAG + T_RS − overlap·(forward + backward))
 * </pre>
 *
 * All-gathers and reduce-scatters are hierarchical rings (§4.4, {@link CollectiveTime}). One instance holds a layout's
 * options; the link values of each ring are passed in, so that the evaluator prices any ring without allocating.
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

    /** The ZeRO-3 terms of {@code layout} on {@code gpu}, with {@code microBatches} micro-batches per step. */
    public ZeroTime(Layout layout, GpuType gpu, GpuEfficiency efficiency, double microBatches) {
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
    }

    /**
     * Ranks of the group that runs the backward all-gather when it is smaller than the DP ring (hpZ's secondary
     * partition, or the weights partition group), else 0: the backward all-gather then runs like the forward one.
     */
    public int secondaryGroupSize() {
        return secondaryGroupSize;
    }

    /**
     * Exposed time per micro-batch of the forward all-gather, backward all-gather and gradient reduction of
     * {@code bytes} on a DP ring of {@code perSlot} members on each of {@code slots} nodes, with the ring's slowest
     * links (intra-node, and per GPU between nodes), beyond the {@code computeSeconds} of forward and backward that hide
     * them. {@code secondaryGatherSeconds} is the backward all-gather in the secondary group, read only when there is
     * one ({@link #secondaryGroupSize()} above 0).
     */
    public double exposedPerMicroBatch(
            int perSlot,
            int slots,
            double bytes,
            double intraBandwidth,
            double intraLatency,
            double interBandwidth,
            double interLatency,
            double secondaryGatherSeconds,
            double computeSeconds) {
        // T_AG(P, M), which is also T_RS(P, M): the same ring traffic.
        double gather = CollectiveTime.hierarchical(
                CollectiveTime.Ring.ALL_GATHER,
                perSlot,
                slots,
                bytes,
                intraBandwidth,
                intraLatency,
                interBandwidth,
                interLatency);
        double forwardGather = gather;
        if (quantizedWeights) {
            forwardGather = CollectiveTime.hierarchical(
                            CollectiveTime.Ring.ALL_GATHER,
                            perSlot,
                            slots,
                            bytes * QWZ_WIRE_FRACTION * QWZ_SCALE_OVERHEAD,
                            intraBandwidth,
                            intraLatency,
                            interBandwidth,
                            interLatency)
                    + QWZ_QUANTIZATION_TRAFFIC * bytes / quantizationBytesPerSecond;
        }
        double backwardGather = secondaryGroupSize > 0 ? secondaryGatherSeconds : forwardGather;
        double reduce = gather;
        if (quantizedGradients && slots > 1) {
            // qgZ: int4 intra-node all-to-all, then inter-node all-to-all of M/(4g).
            reduce = CollectiveTime.allToAll(perSlot, bytes / QGZ_COMPRESSION, intraBandwidth, intraLatency)
                    + CollectiveTime.allToAll(slots, bytes / (QGZ_COMPRESSION * perSlot), interBandwidth, interLatency)
                    + QGZ_QUANTIZATION_PASSES * bytes / quantizationBytesPerSecond;
        }
        if (optimizerStatesGroupSize > 0) {
            // Optimizer shards replicated across P/k_OS groups: all-reduce of the M/k_OS shard once per step, on the
            // slowest link of the ring (§7.4, §7.5).
            int replicas = shards / optimizerStatesGroupSize;
            double shard = bytes / optimizerStatesGroupSize;
            reduce += CollectiveTime.allReduce(
                            replicas,
                            shard,
                            Math.min(interBandwidth, intraBandwidth),
                            Math.max(interLatency, intraLatency))
                    / microBatches;
        }
        return Math.max(0, forwardGather + backwardGather + reduce - overlapFraction * computeSeconds);
    }
}
