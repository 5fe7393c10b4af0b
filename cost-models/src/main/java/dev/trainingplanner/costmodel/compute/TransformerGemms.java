package dev.trainingplanner.costmodel.compute;

import dev.trainingplanner.costmodel.model.ModelSpec;

/**
 * The GEMMs of one transformer layer and of the output layer on one tensor-parallel shard, each priced from its own
 * shape by {@link GemmTimeModel} (cost-models.md §1.2 FLOP counts, split into Megatron's GEMMs). With m = tokens of
 * one micro-batch on the rank (b·s/cp; sequence parallelism gathers the sequence before each GEMM), d the head
 * dimension, a and g the query and KV heads, f the FFN width and t the TP degree (Megatron's column- and
 * row-parallel linear layers):
 *
 * <pre>
 * QKV           m × (a + 2g)·d/t, reduction h
 * attention out m × h,            reduction a·d/t
 * MLP up(+gate) m × f/t (GeLU) or 2f/t (SwiGLU, gate and up fused), reduction h
 * MLP down      m × h,            reduction f/t
 * logits        m × V_pad/t,      reduction h
 * </pre>
 *
 * A forward GEMM {@code (m, n, k)} has two backward GEMMs: the data gradient {@code dX = dY·Wᵀ}, output m × k with
 * reduction n, and the weight gradient {@code dW = Xᵀ·dY}, output k × n with reduction m (the tokens). Few tokens
 * per micro-batch therefore shorten the weight-gradient reduction and leave the forward and data-gradient GEMMs with
 * partial waves, which is what makes small micro-batches slower per FLOP (kernels README, G1b/G1e).
 */
public final class TransformerGemms {

    private TransformerGemms() {}

    /** Forward seconds of the four linear GEMMs of one layer (QKV, attention output, MLP up, MLP down). */
    public static double layerForwardSeconds(GemmTimeModel gemm, ModelSpec model, long tokens, int tp) {
        double seconds = 0;
        for (long[] nk : layerShapes(model, tp)) {
            seconds += gemm.seconds(tokens, nk[0], nk[1], 1);
        }
        return seconds;
    }

    /** Backward seconds (data and weight gradients) of the four linear GEMMs of one layer. */
    public static double layerBackwardSeconds(GemmTimeModel gemm, ModelSpec model, long tokens, int tp) {
        double seconds = 0;
        for (long[] nk : layerShapes(model, tp)) {
            seconds += backwardSeconds(gemm, tokens, nk[0], nk[1]);
        }
        return seconds;
    }

    /** Forward seconds of the output-layer GEMM (logits) of one micro-batch. */
    public static double logitsForwardSeconds(GemmTimeModel gemm, ModelSpec model, long tokens, int tp) {
        return gemm.seconds(tokens, Math.max(1, model.paddedVocabulary(tp) / tp), model.hiddenSize(), 1);
    }

    /** Backward seconds of the output-layer GEMM. */
    public static double logitsBackwardSeconds(GemmTimeModel gemm, ModelSpec model, long tokens, int tp) {
        return backwardSeconds(gemm, tokens, Math.max(1, model.paddedVocabulary(tp) / tp), model.hiddenSize());
    }

    /** Data gradient (m × k, reduction n) plus weight gradient (k × n, reduction m) of a forward GEMM (m, n, k). */
    static double backwardSeconds(GemmTimeModel gemm, long m, long n, long k) {
        return gemm.seconds(m, k, n, 1) + gemm.seconds(k, n, m, 1);
    }

    /** (output width n, reduction k) per TP shard of QKV, attention output, MLP up(+gate) and MLP down. */
    private static long[][] layerShapes(ModelSpec model, int tp) {
        long h = model.hiddenSize();
        long headDim = h / model.attentionHeads();
        // A layout whose heads or FFN do not divide by t is a violation; it is still priced, on at least one column.
        long qkvWidth = Math.max(1, (model.attentionHeads() + 2L * model.kvHeads()) * headDim / tp);
        long attentionWidth = Math.max(1, model.attentionHeads() * headDim / tp);
        long ffn = Math.max(1, model.ffnHiddenSize() / tp);
        long upWidth = model.mlp().gatedFactor() > 1 ? 2 * ffn : ffn;
        return new long[][] {{qkvWidth, h}, {h, attentionWidth}, {upWidth, h}, {h, ffn}};
    }
}
