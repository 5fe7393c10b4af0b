package dev.trainingplanner.costmodel.time;

import dev.trainingplanner.costmodel.layout.TokenDispatcher;
import dev.trainingplanner.costmodel.training.Precision;

/**
 * Token dispatch and combine of one MoE layer (Megatron-Core MoE docs, "Token dispatcher"; DeepSeek-V3 report §3.2.2),
 * priced on the links of one expert-parallel group of ep GPUs, of which {@code p} share an NVLink island (one node, or
 * one NVL72 domain) and the rest are reached over the network. Each GPU holds N tokens (b·s/cp/t with sequence
 * parallelism) and sends each of them to the GPUs of its k experts; with balanced routing a copy stays on the GPU with
 * probability 1/ep, stays in the island with (p−1)/ep and crosses the network with (ep−p)/ep. With B bytes per element
 * and h the hidden size:
 *
 * <pre>
 * alltoall      one all-to-all, NVLink and network in parallel (NCCL posts every send at once):
 *               max(N·k·h·B·(p−1)/ep / B_nvlink, N·k·h·B·(ep−p)/ep / B_net) + α
 * hierarchical  a network stage that sends each token once per remote island that holds one of its experts, then an
 *               NVLink stage that fans the copies out inside the island (DeepEP's internode kernels, Megatron's flex
 *               dispatcher): N·h·B·(q−1)·(1−(1−1/q)^k) / B_net + N·k·h·B·(p−1)/p / B_nvlink + α_net + α_nvlink,
 *               q = ep/p islands; one island is the plain all-to-all
 * allgather     all-gather of every GPU's N tokens over the group, and a reduce-scatter of the expert outputs back
 *               (Megatron's allgather dispatcher), hierarchical ring collectives ({@link CollectiveTime#hierarchical})
 * </pre>
 *
 * A layer runs dispatch and combine in the forward pass and their two transposes in the backward pass (4 per
 * micro-batch), plus dispatch and combine again when full recomputation re-runs the layer's forward. Dispatch is in FP8
 * when the GEMMs are FP8 and the dispatcher is the hierarchical one (DeepSeek-V3 §3.3.2: activations are quantised
 * to FP8 before dispatch, combine stays BF16; DeepEP and HybridEP support it, the alltoall dispatcher moves 16-bit
 * tokens); every other transfer is 16-bit. With all-to-all overlap ({@code --overlap-moe-expert-parallel-comm},
 * DualPipe) a layer's all-to-alls run under the compute of another micro-batch's layer, so only what exceeds that
 * compute is exposed.
 */
public final class ExpertAllToAllTime {

    private ExpertAllToAllTime() {}

    /** Bytes per element of the forward dispatch: 1 with FP8 GEMMs on the hierarchical dispatcher, else 2. */
    public static double dispatchBytesPerElement(Precision precision, TokenDispatcher dispatcher) {
        boolean fp8 = precision != Precision.FP16 && precision != Precision.BF16;
        return fp8 && dispatcher == TokenDispatcher.HIERARCHICAL ? 1 : ComputeTime.ACTIVATION_BYTES;
    }

    /**
     * One dispatch (or combine) of {@code tokens} tokens per GPU of {@code hidden} elements of {@code bytesPerElement}
     * over a group of {@code ep} GPUs, {@code membersPerIsland} of which share an NVLink island.
     */
    public static double oneWaySeconds(
            TokenDispatcher dispatcher,
            int ep,
            int membersPerIsland,
            double tokens,
            int topK,
            double hidden,
            double bytesPerElement,
            double nvlinkBandwidth,
            double nvlinkLatency,
            double networkBandwidth,
            double networkLatency) {
        if (ep <= 1) {
            return 0;
        }
        int p = Math.max(1, Math.min(membersPerIsland, ep));
        double islands = (double) ep / p;
        double tokenBytes = tokens * hidden * bytesPerElement;
        double copies = tokenBytes * topK;
        switch (dispatcher) {
            case ALLGATHER -> {
                int slots = (int) Math.round(islands);
                return CollectiveTime.hierarchical(
                        CollectiveTime.Ring.ALL_GATHER,
                        p,
                        slots,
                        ep * tokenBytes,
                        nvlinkBandwidth,
                        nvlinkLatency,
                        networkBandwidth,
                        networkLatency);
            }
            case HIERARCHICAL -> {
                if (p < ep) {
                    double remoteIslands = (islands - 1) * (1 - Math.pow(1 - 1 / islands, topK));
                    double network = tokenBytes * remoteIslands / networkBandwidth;
                    double nvlink = p > 1 ? copies * (p - 1) / p / nvlinkBandwidth : 0;
                    return network + nvlink + networkLatency + (p > 1 ? nvlinkLatency : 0);
                }
                return allToAll(ep, p, copies, nvlinkBandwidth, nvlinkLatency, networkBandwidth, networkLatency);
            }
            default -> {
                return allToAll(ep, p, copies, nvlinkBandwidth, nvlinkLatency, networkBandwidth, networkLatency);
            }
        }
    }

    private static double allToAll(
            int ep,
            int p,
            double copies,
            double nvlinkBandwidth,
            double nvlinkLatency,
            double networkBandwidth,
            double networkLatency) {
        double nvlink = p > 1 ? copies * (p - 1) / ep / nvlinkBandwidth : 0;
        double network = p < ep ? copies * (ep - p) / ep / networkBandwidth : 0;
        return Math.max(nvlink, network) + (p < ep ? networkLatency : nvlinkLatency);
    }

    /**
     * All-to-all time of one MoE layer per micro-batch: forward dispatch (at {@code dispatchSeconds}) and combine, the
     * backward's two 16-bit transposes, and with {@code fullRecompute} the forward pair again.
     */
    public static double layerSeconds(double dispatchSeconds, double sixteenBitSeconds, boolean fullRecompute) {
        double forward = dispatchSeconds + sixteenBitSeconds;
        return forward + 2 * sixteenBitSeconds + (fullRecompute ? forward : 0);
    }

    /**
     * The part of a layer's all-to-all time {@code allToAllSeconds} that compute does not hide: all of it without
     * overlap; with overlap, what exceeds {@code overlappingComputeSeconds}, the compute of the other micro-batch's layer
     * that runs meanwhile.
     */
    public static double exposedSeconds(double allToAllSeconds, boolean overlap, double overlappingComputeSeconds) {
        return overlap ? Math.max(0, allToAllSeconds - overlappingComputeSeconds) : allToAllSeconds;
    }
}
