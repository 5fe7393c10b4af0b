package dev.trainingplanner.costmodel.time;

import dev.trainingplanner.costmodel.calibration.GpuEfficiency;
import dev.trainingplanner.costmodel.cluster.GpuType;
import dev.trainingplanner.costmodel.compute.ExpertGemms;
import dev.trainingplanner.costmodel.compute.GemmTimeModel;
import dev.trainingplanner.costmodel.compute.TransformerGemms;
import dev.trainingplanner.costmodel.compute.UnfusedAttention;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.memory.ActivationMemory;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;

/**
 * Compute time of one transformer layer for one micro-batch on one GPU at relative speed 1 (cost-models.md §1.2 FLOP
 * counts, §3 compute time). With T = b·s/cp tokens:
 *
 * <pre>
 * GEMMs             each GEMM of the layer from its shape ({@link TransformerGemms}): forward, and data + weight
 *                   gradients in backward, by {@link GemmTimeModel} with the ceiling set to the GPU's achievable level
 * attention forward flash: ½·2·b·(s/cp)·s·a·(d_qk + d_v)/t at the 16-bit peak × η_attn, backward 2.5×
 *                   (d_qk = d_v = d; latent attention d_qk = d + rope, d_v = v_head_dim; = ½·4·b·(s/cp)·s·h/t when
 *                   d = h/a)
 *                   else:  the batched QKᵀ and AV GEMMs and their four backward GEMMs ({@link UnfusedAttention}) +
 *                   the score tensors' scale/mask/softmax/dropout traffic at HBM, backward 2×
 * memory-bound      bytes/token/hidden · T·h · (1/t with SP, ½ + ½/t without) at HBM bandwidth × η_HBM, backward 2×
 * recompute         full: one more forward; selective: the attention forward
 * logits (last)     the output-layer GEMM and its backward + T·V/t logit bytes at HBM (backward 2×)
 * MoE layer         the attention part as above, the router, routed and shared experts ({@link ExpertGemms}) instead
 *                   of the dense MLP, and the traffic of the k routed copies of each of the T/t tokens
 *                   ({@link #routedCopyBytes}: permutation, expert activation, low-precision quantisation) at HBM
 *                   (backward 2×); the dispatch and combine all-to-alls are communication ({@code
 *                   time.ExpertAllToAllTime})
 * </pre>
 *
 * The kernel shape model (fitted on {@code calibration/kernels/}) supplies how a GEMM's efficiency depends on its
 * shape; the level it reaches on its best shape is the per-GPU {@link GpuEfficiency#gemmEfficiency()} fitted end to
 * end on {@code calibration/cases.csv}: a training stack's kernels, not an isolated benchmark's (module README, "GEMM
 * shape model"). FP8, MXFP8 and NVFP4 run the linear GEMMs at that format's peak and level; attention and the output
 * layer stay 16-bit (Transformer Engine and torchao keep both in 16-bit). A GPU without the format runs them 16-bit.
 *
 * @param layerForwardSeconds forward of one dense layer
 * @param layerBackwardSeconds backward of one dense layer
 * @param layerRecomputeSeconds recomputed forward of one dense layer
 * @param attentionForwardSeconds forward of the attention core of one layer
 * @param logitsForwardSeconds output layer and loss forward (last stage only)
 * @param logitsBackwardSeconds output layer and loss backward (last stage only)
 * @param moeLayerForwardSeconds forward of one MoE layer (its all-to-alls excluded); 0 for a dense model
 * @param moeLayerBackwardSeconds backward of one MoE layer
 * @param moeLayerRecomputeSeconds recomputed forward of one MoE layer
 */
public record ComputeTime(
        double layerForwardSeconds,
        double layerBackwardSeconds,
        double layerRecomputeSeconds,
        double attentionForwardSeconds,
        double logitsForwardSeconds,
        double logitsBackwardSeconds,
        double moeLayerForwardSeconds,
        double moeLayerBackwardSeconds,
        double moeLayerRecomputeSeconds) {

    /** Backward bytes of the memory-bound ops per forward byte: input and weight gradients (§3). */
    public static final double BACKWARD_FACTOR = 2;
    /** Causal flash attention computes half of Megatron's s² score count (§1.2). */
    public static final double FLASH_CAUSAL_FRACTION = 0.5;
    /** Flash attention backward per forward: it recomputes the scores (§3). */
    public static final double FLASH_BACKWARD_FACTOR = 2.5;
    /**
     * HBM bytes moved per attention-score element by the element-wise ops between the two attention GEMMs when the
     * score tensors are materialised (no flash attention): Megatron's fused scale-mask-softmax reads the 16-bit scores
     * and writes the probabilities (4 B), dropout reads them and writes the dropped probabilities and its 1-byte mask
     * (5 B). The GEMMs' own reads and writes of these tensors are in their HBM floor ({@code compute.GemmTimeModel}).
     */
    public static final double SCORE_BYTES_PER_ELEMENT = 9;
    /** HBM passes over the routed copies per MoE layer forward: permute and unpermute, each a read and a write. */
    public static final double PERMUTATION_PASSES = 4;
    /** Bytes per element of 16-bit activations, messages and gradients. */
    public static final double ACTIVATION_BYTES = 2;
    /** Bytes read and written per parameter of the optimizer shard by a fused Adam step (§3, "Optimizer step"). */
    public static final double OPTIMIZER_BYTES_PER_PARAMETER = 30;

    /** The layer's compute on {@code gpu} for {@code layout} and {@code training}. */
    public static ComputeTime of(
            ModelSpec model, TrainingSpec training, Layout layout, GpuType gpu, GpuEfficiency efficiency) {
        int tp = layout.tp();
        int cp = layout.cp();
        int b = training.microBatchSequences();
        Precision precision = training.precision();
        Precision half = gpu.halfPrecision();
        GemmTimeModel halfGemms = GemmTimeModel.withCeiling(gpu, half, efficiency.gemmEfficiency());
        GemmTimeModel linearGemms = precision.lowPrecisionGemms() && gpu.supports(precision)
                ? GemmTimeModel.withCeiling(gpu, precision, efficiency.gemmEfficiency(precision))
                : halfGemms;
        double hbmRate = hbmBytesPerSecond(gpu, efficiency);
        double h = model.hiddenSize();
        double s = model.sequenceLength();
        double tokens = localTokens(model, b, cp);
        long gemmRows = Math.max(1, Math.round(tokens));
        double attnFwd;
        double attnBwd;
        long qkWidth = model.headDim() + (long) model.latentAttention().qkRopeHeadDim();
        long vWidth =
                model.latentAttention().isPresent() ? model.latentAttention().vHeadDim() : model.headDim();
        if (model.flashAttention()) {
            double attnFlopsFwdFull = 2.0 * b * (s / cp) * s * model.attentionHeads() * (qkWidth + vWidth) / tp;
            attnFwd = FLASH_CAUSAL_FRACTION
                    * attnFlopsFwdFull
                    / (gpu.peakFlopsPerSecond(half) * efficiency.attentionEfficiency());
            attnBwd = FLASH_BACKWARD_FACTOR * attnFwd;
        } else {
            long heads = Math.max(1, model.attentionHeads() / tp);
            long queries = Math.max(1, Math.round(s / cp));
            long keys = model.sequenceLength();
            double scoreTraffic = (double) heads * b * queries * keys * SCORE_BYTES_PER_ELEMENT / hbmRate;
            attnFwd = UnfusedAttention.forwardSeconds(halfGemms, b, heads, queries, keys, qkWidth) + scoreTraffic;
            attnBwd = UnfusedAttention.backwardSeconds(halfGemms, b, heads, queries, keys, qkWidth)
                    + BACKWARD_FACTOR * scoreTraffic;
        }
        // Sequence parallelism splits every element-wise op by t; without it the ops between the TP regions (norms,
        // residuals, dropout: about half the traffic) run on the whole sequence.
        double elementwiseShare = layout.sequenceParallel() ? 1.0 / tp : 0.5 + 0.5 / tp;
        double elementFwd = efficiency.memoryBoundBytesPerToken() * tokens * h * elementwiseShare / hbmRate;
        double layerFwd = TransformerGemms.layerForwardSeconds(linearGemms, model, gemmRows, tp) + attnFwd + elementFwd;
        double layerBwd = TransformerGemms.layerBackwardSeconds(linearGemms, model, gemmRows, tp)
                + attnBwd
                + BACKWARD_FACTOR * elementFwd;
        double layerRecompute = recomputeSeconds(layout, attnFwd, layerFwd);
        double moeFwd = 0;
        double moeBwd = 0;
        double moeRecompute = 0;
        if (model.mixtureOfExperts().isPresent()) {
            double permutation = ExpertGemms.routedTokensPerGpu(layout, tokens)
                    * model.mixtureOfExperts().topK()
                    * routedCopyBytes(model, layout, precision)
                    / hbmRate;
            moeFwd = TransformerGemms.attentionForwardSeconds(linearGemms, model, gemmRows, tp)
                    + ExpertGemms.forwardSeconds(linearGemms, model, layout, tokens)
                    + attnFwd
                    + elementFwd
                    + permutation;
            moeBwd = TransformerGemms.attentionBackwardSeconds(linearGemms, model, gemmRows, tp)
                    + ExpertGemms.backwardSeconds(linearGemms, model, layout, tokens)
                    + attnBwd
                    + BACKWARD_FACTOR * (elementFwd + permutation);
            moeRecompute = recomputeSeconds(layout, attnFwd, moeFwd);
        }
        double logitBytes = tokens * model.paddedVocabulary(tp) / tp * ActivationMemory.LOGIT_BYTES / hbmRate;
        double logitsFwd = TransformerGemms.logitsForwardSeconds(halfGemms, model, gemmRows, tp) + logitBytes;
        double logitsBwd =
                TransformerGemms.logitsBackwardSeconds(halfGemms, model, gemmRows, tp) + BACKWARD_FACTOR * logitBytes;
        return new ComputeTime(
                layerFwd, layerBwd, layerRecompute, attnFwd, logitsFwd, logitsBwd, moeFwd, moeBwd, moeRecompute);
    }

    /**
     * HBM bytes the forward pass of a MoE layer moves per routed copy of a token, besides its GEMMs: permute and
     * unpermute read and write the h-wide copy (4 passes of 2 bytes); the expert's activation reads its gate and up
     * outputs and writes the product (SwiGLU: 3 passes over f_e, GeLU 2, 2 bytes each); with low-precision GEMMs each
     * expert GEMM input is quantised (a 2-byte read and an operand-width write of the fc1 input, h wide on each of the
     * etp GPUs that all-gather it, and of the fc2 input, f_e wide). Megatron-Core MoE docs ("Token permutation",
     * "FP8 training"); the dense layer's element-wise traffic is counted by memoryBoundBytesPerToken.
     */
    static double routedCopyBytes(ModelSpec model, Layout layout, Precision precision) {
        double h = model.hiddenSize();
        double expertWidth = model.mixtureOfExperts().expertFfnHiddenSize();
        double activationPasses = model.mlp().gatedFactor() > 1 ? 3 : 2;
        double bytes = PERMUTATION_PASSES * h * ACTIVATION_BYTES + activationPasses * expertWidth * ACTIVATION_BYTES;
        if (precision.lowPrecisionGemms()) {
            bytes += (ACTIVATION_BYTES + precision.operandBytes()) * (layout.etp() * h + expertWidth);
        }
        return bytes;
    }

    /** Recomputed forward of a layer: none, the attention core (selective), or the whole layer (full). */
    private static double recomputeSeconds(Layout layout, double attentionForward, double layerForward) {
        return switch (layout.recompute()) {
            case NONE -> 0;
            case SELECTIVE -> attentionForward;
            case FULL -> layerForward;
        };
    }

    /** T = b·s/cp: tokens of one micro-batch on one rank of a CP ring. */
    public static double localTokens(ModelSpec model, int microBatch, int cp) {
        return microBatch * (double) model.sequenceLength() / cp;
    }

    /** Dense GEMM peak of {@code gpu} in {@code precision}, or its FP16 peak when it lacks that precision. */
    public static double gemmPeakFlopsPerSecond(GpuType gpu, Precision precision) {
        return gpu.supports(precision) ? gpu.peakFlopsPerSecond(precision) : gpu.peakFlopsPerSecond(Precision.FP16);
    }

    /** HBM bandwidth reached by memory-bound kernels: nominal × η_HBM. */
    public static double hbmBytesPerSecond(GpuType gpu, GpuEfficiency efficiency) {
        return gpu.hbmBandwidthBytesPerSecond() * efficiency.hbmEfficiency();
    }

    /** Fused Adam step over an optimizer shard of {@code shardParameters}: memory-bound (§3, "Optimizer step"). */
    public static double optimizerStepSeconds(double shardParameters, double hbmBytesPerSecond) {
        return shardParameters * OPTIMIZER_BYTES_PER_PARAMETER / hbmBytesPerSecond;
    }

    /**
     * Forward of a stage of {@code denseLayers} dense and {@code moeLayers} MoE layers per micro-batch; the last stage
     * adds the logits.
     */
    public double stageForwardSeconds(int denseLayers, int moeLayers, boolean lastStage) {
        return denseLayers * layerForwardSeconds
                + moeLayers * moeLayerForwardSeconds
                + (lastStage ? logitsForwardSeconds : 0);
    }

    /** Backward of a stage of dense and MoE layers per micro-batch; the last stage adds the logits' backward. */
    public double stageBackwardSeconds(int denseLayers, int moeLayers, boolean lastStage) {
        return denseLayers * layerBackwardSeconds
                + moeLayers * moeLayerBackwardSeconds
                + (lastStage ? logitsBackwardSeconds : 0);
    }

    /** Recomputed forward of a stage of dense and MoE layers per micro-batch. */
    public double stageRecomputeSeconds(int denseLayers, int moeLayers) {
        return denseLayers * layerRecomputeSeconds + moeLayers * moeLayerRecomputeSeconds;
    }
}
