package dev.trainingplanner.costmodel.model;

import static dev.trainingplanner.costmodel.InvalidInputException.positive;
import static dev.trainingplanner.costmodel.InvalidInputException.require;

/**
 * A dense decoder-only transformer. Parameter and FLOP counts follow cost-models.md §1 (Megatron-LM's
 * {@code theoretical_memory_usage.py} and {@code num_floating_point_operations}).
 *
 * @param name preset name or free text, used in messages only
 * @param layers transformer layers L
 * @param hiddenSize hidden size h
 * @param ffnHiddenSize FFN hidden size f
 * @param attentionHeads query heads a
 * @param kvHeads key/value heads k (k = a without GQA, 1 for MQA)
 * @param vocabularySize vocabulary V (padded as the framework pads it, see {@link #paddedVocabulary(int)})
 * @param sequenceLength tokens per sequence s
 * @param mlp GeLU (2 matrices) or SwiGLU (3 matrices)
 * @param tiedEmbeddings whether the output layer shares the input embedding's weights
 * @param flashAttention whether attention uses a fused kernel that keeps no s×s score tensors
 * @param norm LayerNorm or RMSNorm
 */
public record ModelSpec(
        String name,
        int layers,
        int hiddenSize,
        int ffnHiddenSize,
        int attentionHeads,
        int kvHeads,
        int vocabularySize,
        int sequenceLength,
        MlpKind mlp,
        boolean tiedEmbeddings,
        boolean flashAttention,
        NormKind norm) {

    public ModelSpec {
        require(name != null && !name.isBlank(), "model name must not be blank");
        positive("model " + name + ": layers", layers);
        positive("model " + name + ": hiddenSize", hiddenSize);
        positive("model " + name + ": ffnHiddenSize", ffnHiddenSize);
        positive("model " + name + ": attentionHeads", attentionHeads);
        positive("model " + name + ": kvHeads", kvHeads);
        positive("model " + name + ": vocabularySize", vocabularySize);
        positive("model " + name + ": sequenceLength", sequenceLength);
        require(mlp != null, "model " + name + ": mlp must be gelu or swiglu");
        require(norm != null, "model " + name + ": norm must be layer_norm or rms_norm");
        require(
                attentionHeads % kvHeads == 0,
                "model " + name + ": attentionHeads (" + attentionHeads + ") must be a multiple of kvHeads (" + kvHeads
                        + ")");
        require(
                hiddenSize % attentionHeads == 0,
                "model " + name + ": hiddenSize (" + hiddenSize + ") must be a multiple of attentionHeads ("
                        + attentionHeads + ")");
    }

    /** The contract's eleven fields; the norm follows the architecture family (RMSNorm with SwiGLU, else LayerNorm). */
    public ModelSpec(
            String name,
            int layers,
            int hiddenSize,
            int ffnHiddenSize,
            int attentionHeads,
            int kvHeads,
            int vocabularySize,
            int sequenceLength,
            MlpKind mlp,
            boolean tiedEmbeddings,
            boolean flashAttention) {
        this(
                name,
                layers,
                hiddenSize,
                ffnHiddenSize,
                attentionHeads,
                kvHeads,
                vocabularySize,
                sequenceLength,
                mlp,
                tiedEmbeddings,
                flashAttention,
                mlp == MlpKind.SWIGLU ? NormKind.RMS_NORM : NormKind.LAYER_NORM);
    }

    /** k/a: the fraction of K and V projections relative to Q. */
    public double kvRatio() {
        return (double) kvHeads / attentionHeads;
    }

    /** P_layer of cost-models.md §1.1: attention, MLP and the two norms (linear biases not counted). */
    public long parametersPerLayer() {
        long h = hiddenSize;
        long attention = 2L * h * h + 2L * h * (h * kvHeads / attentionHeads);
        long mlpParams = (mlp == MlpKind.SWIGLU ? 3L : 2L) * h * ffnHiddenSize;
        long norms = 2L * h * norm.parametersPerChannel();
        return attention + mlpParams + norms;
    }

    /**
     * Parameters per rank of each pipeline stage, whose layer counts are {@code stageLayers}, with TP degree {@code tp}
     * (cost-models.md §1.1): {@code L_i·P_layer/t}, plus the padded embedding {@code V_pad·h/t} on the first stage, and
     * the final norm and output layer (untied, or the tied copy when pipelined) on the last.
     */
    public double[] stageParameters(int[] stageLayers, int tp) {
        int stages = stageLayers.length;
        long paddedVocab = paddedVocabulary(tp);
        double h = hiddenSize;
        double perLayerParams = parametersPerLayer();
        double[] result = new double[stages];
        for (int stage = 0; stage < stages; stage++) {
            double params = stageLayers[stage] * perLayerParams / tp;
            if (stage == 0) {
                params += paddedVocab * h / tp;
            }
            if (stage == stages - 1) {
                params += norm.parametersPerChannel() * h;
                if (!tiedEmbeddings || stages > 1) {
                    params += paddedVocab * h / tp;
                }
            }
            result[stage] = params;
        }
        return result;
    }

    /** V·h: one embedding matrix (the output layer has the same size). */
    public long embeddingParameters() {
        return (long) vocabularySize * hiddenSize;
    }

    /** Ψ_total of cost-models.md §1.1. */
    public long totalParameters() {
        return layers * parametersPerLayer()
                + (long) norm.parametersPerChannel() * hiddenSize
                + embeddingParameters() * (tiedEmbeddings ? 1 : 2);
    }

    /**
     * Model FLOPs per token of one training step (forward + backward, no recompute): F_step / (B·s) of cost-models.md
     * §1.2, counting the full s×s score matrix as Megatron does.
     */
    public double trainingFlopsPerToken() {
        double h = hiddenSize;
        double perLayer =
                (1 + kvRatio() + (double) sequenceLength / h) + (double) ffnHiddenSize / h * mlp.gatedFactor();
        return 12.0 * layers * h * h * (perLayer + vocabularySize / (2.0 * layers * h));
    }

    /** Megatron's padding of the vocabulary to a multiple of 128·t (cost-models.md §1.1). */
    public long paddedVocabulary(int tensorParallel) {
        long multiple = 128L * tensorParallel;
        return (vocabularySize + multiple - 1) / multiple * multiple;
    }
}
