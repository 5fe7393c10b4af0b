package dev.trainingplanner.costmodel.time;

import dev.trainingplanner.costmodel.calibration.GpuEfficiency;
import dev.trainingplanner.costmodel.cluster.GpuType;
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
 * GEMM forward      T·(4h²(1 + k/a) + 4hf·gated)/t  at  peak(precision)·η·w/(w + w½),  w = h/√t
 * attention forward flash: ½·4·b·(s/cp)·s·h/t at the 16-bit peak × η_attn, backward 2.5×
 *                   else:  4·b·(s/cp)·s·h/t at the 16-bit GEMM rate + score traffic at HBM, backward 2×
 * memory-bound      bytes/token/hidden · T·h · (1/t with SP, ½ + ½/t without) at HBM bandwidth × η_HBM
 * backward          2 × forward (GEMMs and memory-bound ops)
 * recompute         full: one more forward; selective: the attention forward
 * logits (last)     2·T·h·V/t at the GEMM rate + T·V/t logit bytes at HBM; backward 2×
 * </pre>
 *
 * FP8 GEMMs use the FP8 peak and efficiency; attention stays 16-bit.
 *
 * @param layerForwardSeconds forward of one layer
 * @param layerBackwardSeconds backward of one layer
 * @param layerRecomputeSeconds recomputed forward of one layer
 * @param attentionForwardSeconds forward of the attention core of one layer
 * @param logitsForwardSeconds output layer and loss forward (last stage only)
 */
public record ComputeTime(
        double layerForwardSeconds,
        double layerBackwardSeconds,
        double layerRecomputeSeconds,
        double attentionForwardSeconds,
        double logitsForwardSeconds) {

    /** Backward FLOPs and bytes per forward FLOP and byte: input and weight gradients (§3). */
    public static final double BACKWARD_FACTOR = 2;
    /** Causal flash attention computes half of Megatron's s² score count (§1.2). */
    public static final double FLASH_CAUSAL_FRACTION = 0.5;
    /** Flash attention backward per forward: it recomputes the scores (§3). */
    public static final double FLASH_BACKWARD_FACTOR = 2.5;
    /**
     * HBM bytes moved per attention-score element when the score tensors are materialised (no flash attention): the
     * score, softmax and dropout tensors written and read back.
     */
    public static final double SCORE_BYTES_PER_ELEMENT = 10;
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
        double h = model.hiddenSize();
        long paddedVocab = model.paddedVocabulary(tp);
        double halfPeak = gpu.peakFlopsPerSecond(gpu.halfPrecision());
        double maxEff = precision == Precision.FP8 ? efficiency.fp8GemmEfficiency() : efficiency.gemmEfficiency();
        // A TP-sharded GEMM keeps K = h and splits N by t: its size is the geometric mean of the two (§3,
        // shape-dependent η).
        double gemmWidth = h / Math.sqrt(tp);
        double gemmRate = gemmPeakFlopsPerSecond(gpu, precision) * efficiency.gemmEfficiencyAt(maxEff, gemmWidth);
        double hbmRate = hbmBytesPerSecond(gpu, efficiency);
        double s = model.sequenceLength();
        double tokens = localTokens(model, b, cp);
        double gemmFlopsFwd = tokens
                * (4 * h * h * (1 + model.kvRatio())
                        + 4 * h * model.ffnHiddenSize() * model.mlp().gatedFactor())
                / tp;
        double attnFlopsFwdFull = 4.0 * b * (s / cp) * s * h / tp;
        double attnFwd;
        double attnBwd;
        if (model.flashAttention()) {
            attnFwd = FLASH_CAUSAL_FRACTION * attnFlopsFwdFull / (halfPeak * efficiency.attentionEfficiency());
            attnBwd = FLASH_BACKWARD_FACTOR * attnFwd;
        } else {
            double scoreBytes = (double) model.attentionHeads() / tp * b * (s / cp) * s * SCORE_BYTES_PER_ELEMENT;
            attnFwd =
                    attnFlopsFwdFull / (halfPeak * efficiency.gemmEfficiencyAt(efficiency.gemmEfficiency(), gemmWidth))
                            + scoreBytes / hbmRate;
            attnBwd = BACKWARD_FACTOR * attnFwd;
        }
        // Sequence parallelism splits every element-wise op by t; without it the ops between the TP regions (norms,
        // residuals, dropout: about half the traffic) run on the whole sequence.
        double elementwiseShare = layout.sequenceParallel() ? 1.0 / tp : 0.5 + 0.5 / tp;
        double elementFwd = efficiency.memoryBoundBytesPerToken() * tokens * h * elementwiseShare / hbmRate;
        double layerFwd = gemmFlopsFwd / gemmRate + attnFwd + elementFwd;
        double layerBwd = BACKWARD_FACTOR * gemmFlopsFwd / gemmRate + attnBwd + BACKWARD_FACTOR * elementFwd;
        double layerRecompute =
                switch (layout.recompute()) {
                    case NONE -> 0;
                    case SELECTIVE -> attnFwd;
                    case FULL -> layerFwd;
                };
        double logitsFwd = 2 * tokens * h * paddedVocab / tp / gemmRate
                + tokens * paddedVocab / tp * ActivationMemory.LOGIT_BYTES / hbmRate;
        return new ComputeTime(layerFwd, layerBwd, layerRecompute, attnFwd, logitsFwd);
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

    /** Forward of a stage of {@code layers} layers per micro-batch; the last stage adds the logits. */
    public double stageForwardSeconds(int layers, boolean lastStage) {
        return layers * layerForwardSeconds + (lastStage ? logitsForwardSeconds : 0);
    }

    /** Backward of a stage of {@code layers} layers per micro-batch; the last stage adds the logits' backward. */
    public double stageBackwardSeconds(int layers, boolean lastStage) {
        return layers * layerBackwardSeconds + (lastStage ? BACKWARD_FACTOR * logitsForwardSeconds : 0);
    }
}
