package dev.trainingplanner.costmodel.compute;

import dev.trainingplanner.costmodel.model.ModelSpec;

/**
 * The GEMMs of one transformer layer and of the output layer on one tensor-parallel shard, each priced from its own
 * shape by {@link GemmTimeModel} (cost-models.md §1.2 FLOP counts, split into Megatron's GEMMs). With m = tokens of
 * one micro-batch on the rank (b·s/cp; sequence parallelism gathers the sequence before each GEMM), d the head
 * dimension ({@code head_dim}, h/a unless given), a and g the query and KV heads, f the FFN width and t the TP degree
 * (Megatron's column- and row-parallel linear layers):
 *
 * <pre>
 * QKV           m × (a + 2g)·d/t, reduction h
 * attention out m × h,            reduction a·d/t
 * MLP up(+gate) m × f/t (GeLU) or 2f/t (SwiGLU, gate and up fused), reduction h
 * MLP down      m × h,            reduction f/t
 * logits        m × V_pad/t,      reduction h
 * </pre>
 *
 * Multi-head Latent Attention (DeepSeek-V2 §2.1, Megatron-Core {@code MLASelfAttention}) replaces QKV and the output
 * projection by its down and up projections; the down projections are replicated on every TP rank ({@code
 * parallel_mode="duplicated"}), the up projections are column-parallel. With q and c the query and key/value latent
 * ranks, r the rotary and v the value head dimension:
 *
 * <pre>
 * q down        m × q,            reduction h          (without a query latent: q up from h directly)
 * q up          m × a·(d+r)/t,    reduction q
 * kv down       m × (c + r),      reduction h
 * kv up         m × a·(d+v)/t,    reduction c
 * attention out m × h,            reduction a·v/t
 * </pre>
 *
 * A forward GEMM {@code (m, n, k)} has two backward GEMMs: the data gradient {@code dX = dY·Wᵀ}, output m × k with
 * reduction n, and the weight gradient {@code dW = Xᵀ·dY}, output k × n with reduction m (the tokens). Few tokens
 * per micro-batch therefore shorten the weight-gradient reduction and leave the forward and data-gradient GEMMs with
 * partial waves, which is what makes small micro-batches slower per FLOP (kernels README, G1b/G1e).
 */
public final class TransformerGemms {

    private TransformerGemms() {}

    /** Forward seconds of the attention GEMMs and the dense MLP of one layer. */
    public static double layerForwardSeconds(GemmTimeModel gemm, ModelSpec model, long tokens, int tp) {
        return attentionForwardSeconds(gemm, model, tokens, tp)
                + mlpForwardSeconds(gemm, model, tokens, model.ffnHiddenSize(), tp, 1);
    }

    /** Backward seconds (data and weight gradients) of the attention GEMMs and the dense MLP of one layer. */
    public static double layerBackwardSeconds(GemmTimeModel gemm, ModelSpec model, long tokens, int tp) {
        return attentionBackwardSeconds(gemm, model, tokens, tp)
                + mlpBackwardSeconds(gemm, model, tokens, model.ffnHiddenSize(), tp, 1);
    }

    /** Forward seconds of the attention projections (QKV or MLA's projections, and the output projection). */
    public static double attentionForwardSeconds(GemmTimeModel gemm, ModelSpec model, long tokens, int tp) {
        double seconds = 0;
        for (long[] nk : attentionShapes(model, tp)) {
            seconds += gemm.seconds(tokens, nk[0], nk[1], 1);
        }
        return seconds;
    }

    /** Backward seconds of the attention projections. */
    public static double attentionBackwardSeconds(GemmTimeModel gemm, ModelSpec model, long tokens, int tp) {
        double seconds = 0;
        for (long[] nk : attentionShapes(model, tp)) {
            seconds += backwardSeconds(gemm, tokens, nk[0], nk[1], 1);
        }
        return seconds;
    }

    /**
     * Forward seconds of {@code groups} equal MLPs of {@code ffn} channels, each split {@code split} ways, with
     * {@code tokens} rows each, issued as one grouped GEMM per matrix (the dense MLP, a shared expert: one group).
     */
    public static double mlpForwardSeconds(
            GemmTimeModel gemm, ModelSpec model, long tokens, int ffn, int split, int groups) {
        double seconds = 0;
        for (long[] nk : mlpShapes(model, ffn, split)) {
            seconds += gemm.seconds(tokens, nk[0], nk[1], groups);
        }
        return seconds;
    }

    /** Backward seconds of the MLPs of {@link #mlpForwardSeconds}. */
    public static double mlpBackwardSeconds(
            GemmTimeModel gemm, ModelSpec model, long tokens, int ffn, int split, int groups) {
        double seconds = 0;
        for (long[] nk : mlpShapes(model, ffn, split)) {
            seconds += backwardSeconds(gemm, tokens, nk[0], nk[1], groups);
        }
        return seconds;
    }

    /** Forward seconds of the output-layer GEMM (logits) of one micro-batch. */
    public static double logitsForwardSeconds(GemmTimeModel gemm, ModelSpec model, long tokens, int tp) {
        return gemm.seconds(tokens, Math.max(1, model.paddedVocabulary(tp) / tp), model.hiddenSize(), 1);
    }

    /** Backward seconds of the output-layer GEMM. */
    public static double logitsBackwardSeconds(GemmTimeModel gemm, ModelSpec model, long tokens, int tp) {
        return backwardSeconds(gemm, tokens, Math.max(1, model.paddedVocabulary(tp) / tp), model.hiddenSize(), 1);
    }

    /**
     * Data gradient (m × k, reduction n) plus weight gradient (k × n, reduction m) of a forward GEMM (m, n, k), for
     * {@code groups} equal groups.
     */
    static double backwardSeconds(GemmTimeModel gemm, long m, long n, long k, long groups) {
        return gemm.seconds(m, k, n, groups) + gemm.seconds(k, n, m, groups);
    }

    /** (output width n, reduction k) per TP shard of the attention projections. */
    private static long[][] attentionShapes(ModelSpec model, int tp) {
        long h = model.hiddenSize();
        long a = model.attentionHeads();
        long d = model.headDim();
        var mla = model.latentAttention();
        // A layout whose heads do not divide by t is a violation; it is still priced, on at least one column.
        if (!mla.isPresent()) {
            long qkvWidth = Math.max(1, (a + 2L * model.kvHeads()) * d / tp);
            long attentionWidth = Math.max(1, a * d / tp);
            return new long[][] {{qkvWidth, h}, {h, attentionWidth}};
        }
        long r = mla.qkRopeHeadDim();
        long v = mla.vHeadDim();
        long q = mla.qLoraRank();
        long c = mla.kvLoraRank();
        long queryUp = Math.max(1, a * (d + r) / tp);
        long keyValueUp = Math.max(1, a * (d + v) / tp);
        long out = Math.max(1, a * v / tp);
        if (q > 0) {
            return new long[][] {{q, h}, {queryUp, q}, {c + r, h}, {keyValueUp, c}, {h, out}};
        }
        return new long[][] {{queryUp, h}, {c + r, h}, {keyValueUp, c}, {h, out}};
    }

    /** (output width n, reduction k) of an MLP of {@code ffn} channels split {@code split} ways: up(+gate), down. */
    private static long[][] mlpShapes(ModelSpec model, int ffn, int split) {
        long h = model.hiddenSize();
        long width = Math.max(1, ffn / split);
        long upWidth = model.mlp().gatedFactor() > 1 ? 2 * width : width;
        return new long[][] {{upWidth, h}, {h, width}};
    }
}
