package dev.trainingplanner.costmodel.memory;

import dev.trainingplanner.costmodel.cluster.GpuType;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.model.LatentAttention;
import dev.trainingplanner.costmodel.model.MixtureOfExperts;
import dev.trainingplanner.costmodel.model.MlpKind;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;

/**
 * Stored activations of one transformer layer for one micro-batch (cost-models.md §2.2, Korthikanti et al.,
 * arXiv:2205.05198 §4, generalised to GQA, head_dim, latent attention, SwiGLU and mixture-of-experts layers):
 *
 * <pre>
 * A_layer = s·b·h·[(c_rep + c_lat) (÷t with SP) + (c_attn + c_mlp)/t] + c_score·a·s²·b/t  (+ A_routed on MoE layers)
 * c_rep = 10 with dropout, 8 without; c_attn = (4·a·d + 4·k·d)/h (= 4 + 4k/a when d = h/a); c_lat = 0;
 * latent attention: c_attn = (4·a·(d + r) + 4·a·v)/h, c_lat = (4·q_lora + 4·kv_lora + 2·r)/h;
 * c_mlp = 4f/h (GeLU) or 6f/h (fused SwiGLU), with f = shared·moe_ffn on MoE layers;
 * c_score = 5 with dropout, 2 without, 0 with flash attention or selective recompute.
 * A_routed = T·k·λ·(etp·(2h + 4) + c_e) + 4·T·E,  T = s·b (÷t with SP), c_e = 6·f_e (SwiGLU) or 4·f_e (GeLU)
 * Full recompute stores only the layer input: 2·s·b·h (÷t with SP).
 * </pre>
 *
 * With Transformer Engine's low-precision GEMMs (Megatron at fp8, mxfp8 or nvfp4 on a GPU that runs them) the inputs
 * of the four linear layers (QKV and FC1 in c_rep, the attention projection's h and FC2's f in the ÷t part) are saved
 * for backward in the GEMM format, {@link Precision#operandBytes()} per element instead of 2 (TE's linear modules keep
 * the quantized input for the weight gradient); torchao's float8 layers and DeepSpeed keep them 16-bit.
 *
 * <p>Dropout follows the architecture family: GeLU (GPT-style) recipes train with dropout, SwiGLU (Llama-style) without.
 * With context parallelism s is the local sequence s/cp (ring attention processes one local block of queries and keys
 * at a time).
 *
 * <p>Each GEMM input is stored at 2 bytes per element: attention stores Q, K, V and the output projection's input (a·d,
 * k·d, k·d, a·d per token, or a·(d + r), a·(d + r), a·v and a·v with latent attention, whose up-projected heads are
 * split over TP); latent attention also stores its two latents twice (RMSNorm input and up-projection input) and the
 * shared rotary key, which Megatron-Core's MLA computes with duplicated (not TP-split) down-projections
 * ({@code multi_latent_attention.py}) [D].
 *
 * <p>An MoE layer's routed experts (Megatron Core MoE README, token dispatcher; [D] recount): each GPU dispatches the T
 * tokens it holds (its sequence-parallel shard: Megatron requires SP with TP and EP) to k experts; the GPU of the
 * busiest experts receives λ times the mean (the routing's {@code busiestExpertLoad}), gathered over etp. It stores the
 * permuted tokens it received (the grouped GEMM's input, 2h per copy), their fp32 routing probabilities (4 B per copy),
 * and the experts' fc1 outputs and fc2 inputs at moe_ffn/etp width over etp times the tokens (c_e per copy). The
 * combine keeps nothing: Megatron-Core's grouped MLP multiplies the probabilities inside its fused weighted SwiGLU
 * ({@code experts.py}, {@code weighted_bias_swiglu_impl}), so the un-permutation is a plain scatter and its all-to-all
 * buffers are transient ({@link #moeTransientBytes}). The router keeps fp32 logits (4·E bytes per token).
 *
 * <p>{@link #stageBytes} multiplies the per-layer bytes by the layers' worth a stage holds at its peak (§2.3,
 * {@link InFlightMicroBatches}), dense and MoE layers in their proportion on the stage, and adds the transient backward
 * buffer and the first- and last-stage terms (§2.4).
 */
public final class ActivationMemory {

    /** Bytes per logit at the loss peak (see {@link #logitsBytes}). */
    public static final double LOGIT_BYTES = 12;

    /** Router logits and routing probabilities are kept in fp32 (Megatron-Core's {@code moe_router_dtype} fp32). */
    public static final double ROUTER_LOGIT_BYTES = 4;

    private ActivationMemory() {}

    public static boolean usesDropout(ModelSpec model) {
        return model.mlp() == MlpKind.GELU;
    }

    /**
     * Bytes per element of the saved linear-layer inputs: the GEMM format's with Megatron (Transformer Engine) at a
     * low precision the GPU runs, else 2.
     */
    public static double linearInputBytes(TrainingSpec training, GpuType gpu) {
        Precision precision = training.precision();
        return training.framework() == Framework.MEGATRON && precision.lowPrecisionGemms() && gpu.supports(precision)
                ? precision.operandBytes()
                : 2;
    }

    /** Bytes stored per dense layer between forward and backward. */
    public static double perLayerBytes(
            ModelSpec model,
            int microBatch,
            int tp,
            int cp,
            boolean sequenceParallel,
            Recompute recompute,
            double linearInputBytes) {
        if (recompute == Recompute.FULL) {
            return layerInputBytes(model, microBatch, tp, cp, sequenceParallel);
        }
        return fullLayerBytes(
                model, microBatch, tp, cp, sequenceParallel, recompute == Recompute.SELECTIVE, linearInputBytes);
    }

    /** Bytes stored per MoE layer between forward and backward, with the layout's tp, cp, SP, recompute, etp and routing. */
    public static double moeLayerBytes(ModelSpec model, int microBatch, Layout layout) {
        if (layout.recompute() == Recompute.FULL) {
            return layerInputBytes(model, microBatch, layout.tp(), layout.cp(), layout.sequenceParallel());
        }
        return fullMoeLayerBytes(model, microBatch, layout, layout.recompute() == Recompute.SELECTIVE);
    }

    /** Every activation of one dense layer (no recompute, or selective when {@code selective}). */
    public static double fullLayerBytes(
            ModelSpec model,
            int microBatch,
            int tp,
            int cp,
            boolean sequenceParallel,
            boolean selective,
            double linearInputBytes) {
        return layerBytes(
                model,
                microBatch,
                tp,
                cp,
                sequenceParallel,
                selective,
                mlpCoefficient(model, model.ffnHiddenSize()),
                (double) model.ffnHiddenSize() / model.hiddenSize(),
                linearInputBytes);
    }

    /** Every activation of one MoE layer (no recompute, or selective when {@code selective}). */
    public static double fullMoeLayerBytes(ModelSpec model, int microBatch, Layout layout, boolean selective) {
        int tp = layout.tp();
        int cp = layout.cp();
        boolean sp = layout.sequenceParallel();
        MixtureOfExperts moe = model.mixtureOfExperts();
        double shared = mlpCoefficient(model, moe.sharedExperts() * moe.expertFfnHiddenSize());
        double copies = dispatchedTokens(model, microBatch, tp, cp, sp) * moe.topK();
        double load = layout.expertParallelism().routing().busiestExpertLoad();
        double h = model.hiddenSize();
        double received = copies * load * layout.etp() * (2 * h + ROUTER_LOGIT_BYTES);
        double expertGemmOutputs = copies * load * (model.mlp() == MlpKind.SWIGLU ? 6 : 4) * moe.expertFfnHiddenSize();
        double routerLogits =
                dispatchedTokens(model, microBatch, tp, cp, sp) * moe.routedExperts() * ROUTER_LOGIT_BYTES;
        // Operator-level selective checkpointing keeps the inputs and every second GEMM output, as for dense layers.
        double routed = received + routerLogits + (selective && model.flashAttention() ? 0.5 : 1) * expertGemmOutputs;
        // The MoE layer's own linear inputs are counted at 2 bytes (the routed copies above dominate).
        double sharedOverH = (double) moe.sharedExperts() * moe.expertFfnHiddenSize() / h;
        return layerBytes(model, microBatch, tp, cp, sp, selective, shared, sharedOverH, 2) + routed;
    }

    /**
     * Attention, replicated and MLP terms of one layer whose MLP stores {@code cMlp}·s·b·h/t and whose FC2 input is
     * {@code fOverH}·h wide, with linear inputs saved at {@code linearInputBytes} per element.
     */
    private static double layerBytes(
            ModelSpec model,
            int microBatch,
            int tp,
            int cp,
            boolean sequenceParallel,
            boolean selective,
            double cMlp,
            double fOverH,
            double linearInputBytes) {
        double s = (double) model.sequenceLength() / cp;
        double b = microBatch;
        double h = model.hiddenSize();
        boolean dropout = usesDropout(model);
        double cRep = dropout ? 10 : 8;
        double cAttn = attentionCoefficient(model);
        double cLatent = latentCoefficient(model);
        double cScore = (model.flashAttention() || selective) ? 0 : (dropout ? 5 : 2);
        double replicatedDivisor = sequenceParallel ? tp : 1;
        if (selective && model.flashAttention()) {
            // Flash attention never stores the attention core, so selective recompute means operator-level selective
            // checkpointing (PyTorch SAC, torchtitan's "op" policy): the two residual-stream inputs and the attention
            // output are kept, and every second GEMM output; norms and activations are recomputed [D].
            return s * b * h * ((4.0 + cLatent / 2) / replicatedDivisor + (2 + (cAttn + cMlp) / 2) / tp);
        }
        // Saved linear inputs below 16 bits: QKV and FC1 inputs (h wide each) in the replicated part, the projection
        // input (h) and the FC2 input (f) in the tensor-parallel part.
        double saved = 2 - linearInputBytes;
        double replicated = (cRep + cLatent - 2 * saved) / replicatedDivisor;
        double split = (cAttn + cMlp - saved * (1 + fOverH)) / tp;
        return s * b * h * (replicated + split) + cScore * model.attentionHeads() * s * s * b / tp;
    }

    /** c_attn: bytes per token and hidden channel of the TP-split attention tensors (Q, K, V, output-projection input). */
    static double attentionCoefficient(ModelSpec model) {
        double h = model.hiddenSize();
        double a = model.attentionHeads();
        double d = model.headDim();
        LatentAttention mla = model.latentAttention();
        if (mla.isPresent()) {
            return (4 * a * (d + mla.qkRopeHeadDim()) + 4 * a * mla.vHeadDim()) / h;
        }
        return (4 * a * d + 4 * model.kvHeads() * d) / h;
    }

    /** c_lat: latent attention's latents and shared rotary key, not split over TP; 0 for standard attention. */
    static double latentCoefficient(ModelSpec model) {
        LatentAttention mla = model.latentAttention();
        return (4.0 * mla.qLoraRank() + 4.0 * mla.kvLoraRank() + 2.0 * mla.qkRopeHeadDim()) / model.hiddenSize();
    }

    /** c_mlp of an MLP {@code ffn} channels wide: fc1 output(s) and fc2 input. */
    private static double mlpCoefficient(ModelSpec model, double ffn) {
        return (model.mlp() == MlpKind.SWIGLU ? 6 : 4) * ffn / model.hiddenSize();
    }

    /** Tokens one GPU holds at an MoE layer's input and dispatches: its local sequence, ÷t with SP. */
    static double dispatchedTokens(ModelSpec model, int microBatch, int tp, int cp, boolean sequenceParallel) {
        return (double) model.sequenceLength() / cp * microBatch / (sequenceParallel ? tp : 1);
    }

    private static double layerInputBytes(ModelSpec model, int microBatch, int tp, int cp, boolean sequenceParallel) {
        double sbh = (double) model.sequenceLength() / cp * microBatch * model.hiddenSize();
        return 2 * sbh / (sequenceParallel ? tp : 1);
    }

    /**
     * Transient peak on top of the stored activations of a dense layer: with full recompute one layer is rebuilt at a
     * time during backward (cost-models.md §2.2, "full recompute transient"); otherwise the backward of one layer keeps
     * its gradients of the activations alive, about one layer's worth of the largest (MLP) tensors.
     */
    public static double transientBytes(
            ModelSpec model,
            int microBatch,
            int tp,
            int cp,
            boolean sequenceParallel,
            Recompute recompute,
            double linearInputBytes) {
        if (recompute == Recompute.FULL) {
            return fullLayerBytes(model, microBatch, tp, cp, sequenceParallel, false, linearInputBytes);
        }
        double s = (double) model.sequenceLength() / cp;
        return 2.0 * s * microBatch * model.ffnHiddenSize() * (model.mlp() == MlpKind.SWIGLU ? 2 : 1) / tp;
    }

    /**
     * Transient peak of an MoE layer: with full recompute the rebuilt layer; otherwise the gradient of the busiest
     * GPU's expert activations (its received tokens at moe_ffn width) and the all-to-all's send and receive buffers of
     * the permuted tokens while the backward dispatches them [D].
     */
    public static double moeTransientBytes(ModelSpec model, int microBatch, Layout layout) {
        if (layout.recompute() == Recompute.FULL) {
            return fullMoeLayerBytes(model, microBatch, layout, false);
        }
        MixtureOfExperts moe = model.mixtureOfExperts();
        double copies =
                dispatchedTokens(model, microBatch, layout.tp(), layout.cp(), layout.sequenceParallel()) * moe.topK();
        double load = layout.expertParallelism().routing().busiestExpertLoad();
        double gradient = 2.0 * copies * load * moe.expertFfnHiddenSize() * (model.mlp() == MlpKind.SWIGLU ? 2 : 1);
        double allToAllBuffers = 2.0 * copies * model.hiddenSize() * (1 + load * layout.etp());
        return gradient + allToAllBuffers;
    }

    /**
     * Output layer and loss on the last stage: 16-bit logits, their fp32 upcast in the cross-entropy, the fp32 logit
     * gradient and its 16-bit copy (2 + 4 + 4 + 2 bytes per logit), vocabulary split over TP (cost-models.md §2.4; calibrated against the
     * "usually negligible only for small vocabularies" example).
     */
    public static double logitsBytes(ModelSpec model, long paddedVocab, int microBatch, int tp, int cp) {
        double tokens = (double) model.sequenceLength() / cp * microBatch;
        return tokens * paddedVocab * LOGIT_BYTES / tp;
    }

    /** Embedding output (dropout mask and output) and token ids on the first stage (cost-models.md §2.4). */
    public static double embeddingBytes(ModelSpec model, int microBatch, int tp, int cp, boolean sequenceParallel) {
        double sb = (double) model.sequenceLength() / cp * microBatch;
        double out = sb * model.hiddenSize() * (usesDropout(model) ? 3 : 2);
        return (sequenceParallel ? out / tp : out) + 8 * sb;
    }

    /**
     * Activations of every rank of pipeline stage {@code stage} (of {@code stageLayers} layers, {@code moeLayers} of
     * them MoE) at its peak, with {@code microBatches} micro-batches per step: the in-flight layers' stored activations
     * (dense and MoE layers in their proportion on the stage), the larger of the two kinds' transient backward buffers,
     * the embedding output of {@code min(m, p)} micro-batches on the first stage and the logits on the last.
     */
    public static double stageBytes(
            ModelSpec model,
            int microBatch,
            Layout layout,
            int stage,
            int stageLayers,
            int moeLayers,
            int microBatches,
            double linearInputBytes) {
        int tp = layout.tp();
        int cp = layout.cp();
        int pp = layout.pp();
        boolean sp = layout.sequenceParallel();
        int denseLayers = stageLayers - moeLayers;
        double layerEquivalents =
                InFlightMicroBatches.layerEquivalents(stage, pp, layout.virtualStages(), microBatches, stageLayers);
        double stored = 0;
        double transientPeak = 0;
        if (denseLayers > 0) {
            stored += denseLayers * perLayerBytes(model, microBatch, tp, cp, sp, layout.recompute(), linearInputBytes);
            transientPeak = transientBytes(model, microBatch, tp, cp, sp, layout.recompute(), linearInputBytes);
        }
        if (moeLayers > 0) {
            stored += moeLayers * moeLayerBytes(model, microBatch, layout);
            transientPeak = Math.max(transientPeak, moeTransientBytes(model, microBatch, layout));
        }
        double activations = layerEquivalents * stored / stageLayers + transientPeak;
        if (stage == 0) {
            activations += Math.min(microBatches, pp) * embeddingBytes(model, microBatch, tp, cp, sp);
        }
        if (stage == pp - 1) {
            activations += logitsBytes(model, model.paddedVocabulary(tp), microBatch, tp, cp);
        }
        return activations;
    }
}
