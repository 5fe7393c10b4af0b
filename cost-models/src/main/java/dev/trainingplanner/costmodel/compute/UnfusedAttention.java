package dev.trainingplanner.costmodel.compute;

/**
 * The two batched GEMMs of attention without FlashAttention (Megatron's {@code baddbmm} + {@code bmm} path), priced by
 * the GEMM shape model: scores {@code QK^T} = {@code [q, d]·[d, kv]} per head (reduction = head_dim) and output
 * {@code AV} = {@code [q, kv]·[kv, d]} (output width = head_dim), one batch entry per (sequence, head). Because
 * head_dim is a reduction or an output width, a head_dim of 108 runs slower per FLOP than 128 (kernels README, G2:
 * QK^T 65 vs 113 TFLOP/s on A100).
 */
public final class UnfusedAttention {

    private UnfusedAttention() {}

    /**
     * Forward seconds of both GEMMs for {@code sequences} sequences and {@code heads} heads (per tensor-parallel shard):
     * {@code queryLength} queries (s/cp with context parallelism) attend to {@code keyLength} keys.
     */
    public static double forwardSeconds(
            GemmTimeModel model, long sequences, long heads, long queryLength, long keyLength, long headDim) {
        long batch = sequences * heads;
        return model.seconds(queryLength, keyLength, headDim, batch)
                + model.seconds(queryLength, headDim, keyLength, batch);
    }

    /**
     * Backward seconds of both GEMMs: scores {@code S = QKᵀ} give {@code dQ = dS·K} ([q, kv]·[kv, d]) and {@code dK =
     * dSᵀ·Q} ([kv, q]·[q, d]); the output {@code O = PV} gives {@code dP = dO·Vᵀ} ([q, d]·[d, kv]) and {@code dV =
     * Pᵀ·dO} ([kv, q]·[q, d]).
     */
    public static double backwardSeconds(
            GemmTimeModel model, long sequences, long heads, long queryLength, long keyLength, long headDim) {
        long batch = sequences * heads;
        return model.seconds(queryLength, headDim, keyLength, batch)
                + 2 * model.seconds(keyLength, headDim, queryLength, batch)
                + model.seconds(queryLength, keyLength, headDim, batch);
    }
}
