package dev.trainingplanner.costmodel.memory;

import dev.trainingplanner.costmodel.cluster.GpuType;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.model.MlpKind;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;

/**
 * Stored activations of one transformer layer for one micro-batch (cost-models.md §2.2, Korthikanti et al.,
 * arXiv:2205.05198 §4, generalised to GQA and SwiGLU):
 *
 * <pre>
 * A_layer = s·b·h·[c_rep (÷t with SP) + (c_attn + c_mlp)/t] + c_score·a·s²·b/t
 * c_rep = 10 with dropout, 8 without; c_attn = 4 + 4k/a; c_mlp = 4f/h (GeLU) or 6f/h (fused SwiGLU);
 * c_score = 5 with dropout, 2 without, 0 with flash attention or selective recompute.
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
 * <p>{@link #stageBytes} multiplies the per-layer bytes by the layers' worth a stage holds at its peak (§2.3,
 * {@link InFlightMicroBatches}) and adds the transient backward buffer and the first- and last-stage terms (§2.4).
 */
public final class ActivationMemory {

    /** Bytes per logit at the loss peak (see {@link #logitsBytes}). */
    public static final double LOGIT_BYTES = 12;

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

    /** Bytes stored per layer between forward and backward. */
    public static double perLayerBytes(
            ModelSpec model,
            int microBatch,
            int tp,
            int cp,
            boolean sequenceParallel,
            Recompute recompute,
            double linearInputBytes) {
        double s = (double) model.sequenceLength() / cp;
        double b = microBatch;
        double h = model.hiddenSize();
        double sbh = s * b * h;
        if (recompute == Recompute.FULL) {
            return 2 * sbh / (sequenceParallel ? tp : 1);
        }
        return fullLayerBytes(
                model, microBatch, tp, cp, sequenceParallel, recompute == Recompute.SELECTIVE, linearInputBytes);
    }

    /** Every activation of one layer (no recompute, or selective when {@code selective}). */
    public static double fullLayerBytes(
            ModelSpec model,
            int microBatch,
            int tp,
            int cp,
            boolean sequenceParallel,
            boolean selective,
            double linearInputBytes) {
        double s = (double) model.sequenceLength() / cp;
        double b = microBatch;
        double h = model.hiddenSize();
        boolean dropout = usesDropout(model);
        double cRep = dropout ? 10 : 8;
        double cAttn = 4 + 4 * model.kvRatio();
        double fOverH = (double) model.ffnHiddenSize() / h;
        double cMlp = model.mlp() == MlpKind.SWIGLU ? 6 * fOverH : 4 * fOverH;
        double cScore = (model.flashAttention() || selective) ? 0 : (dropout ? 5 : 2);
        if (selective && model.flashAttention()) {
            // Flash attention never stores the attention core, so selective recompute means operator-level selective
            // checkpointing (PyTorch SAC, torchtitan's "op" policy): the two residual-stream inputs and the attention
            // output are kept, and every second GEMM output; norms and activations are recomputed [D].
            double kept = sequenceParallel ? 4.0 / tp : 4.0;
            return s * b * h * (kept + (2 + (cAttn + cMlp) / 2) / tp);
        }
        // Saved linear inputs below 16 bits: QKV and FC1 inputs (h wide each) in the replicated part, the projection
        // input (h) and the FC2 input (f) in the tensor-parallel part.
        double saved = 2 - linearInputBytes;
        double replicated = (sequenceParallel ? (cRep - 2 * saved) / tp : cRep - 2 * saved);
        double split = (cAttn + cMlp - saved * (1 + fOverH)) / tp;
        return s * b * h * (replicated + split) + cScore * model.attentionHeads() * s * s * b / tp;
    }

    /**
     * Transient peak on top of the stored activations: with full recompute one layer is rebuilt at a time during
     * backward (cost-models.md §2.2, "full recompute transient"); otherwise the backward of one layer keeps its
     * gradients of the activations alive, about one layer's worth of the largest (MLP) tensors.
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
     * Activations of every rank of pipeline stage {@code stage} (of {@code stageLayers} layers) at its peak, with
     * {@code microBatches} micro-batches per step: the in-flight layers' stored activations, the transient backward
     * buffer, the embedding output of {@code min(m, p)} micro-batches on the first stage and the logits on the last.
     */
    public static double stageBytes(
            ModelSpec model,
            int microBatch,
            Layout layout,
            int stage,
            int stageLayers,
            int microBatches,
            double linearInputBytes) {
        int tp = layout.tp();
        int cp = layout.cp();
        int pp = layout.pp();
        boolean sp = layout.sequenceParallel();
        double perLayer = perLayerBytes(model, microBatch, tp, cp, sp, layout.recompute(), linearInputBytes);
        double layerEquivalents =
                InFlightMicroBatches.layerEquivalents(stage, pp, layout.virtualStages(), microBatches, stageLayers);
        double activations = layerEquivalents * perLayer
                + transientBytes(model, microBatch, tp, cp, sp, layout.recompute(), linearInputBytes);
        if (stage == 0) {
            activations += Math.min(microBatches, pp) * embeddingBytes(model, microBatch, tp, cp, sp);
        }
        if (stage == pp - 1) {
            activations += logitsBytes(model, model.paddedVocabulary(tp), microBatch, tp, cp);
        }
        return activations;
    }
}
