package dev.trainingplanner.costmodel.model;

import static dev.trainingplanner.costmodel.InvalidInputException.positive;
import static dev.trainingplanner.costmodel.InvalidInputException.require;

/**
 * A decoder-only transformer: dense, or mixture-of-experts ({@link MixtureOfExperts}), with standard grouped-query or
 * latent attention ({@link LatentAttention}). Parameter and FLOP counts follow cost-models.md §1 (Megatron-LM's
 * {@code theoretical_memory_usage.py} and {@code num_floating_point_operations}), generalised per layer so that dense
 * and MoE layers, and attention whose heads are not hidden/heads wide, are counted as they are built.
 *
 * @param name preset name or free text, used in messages only
 * @param layers transformer layers L
 * @param hiddenSize hidden size h
 * @param ffnHiddenSize FFN hidden size f of the dense layers
 * @param attentionHeads query heads a
 * @param kvHeads key/value heads k (k = a without GQA, 1 for MQA)
 * @param vocabularySize vocabulary V (padded as the framework pads it, see {@link #paddedVocabulary(int)})
 * @param sequenceLength tokens per sequence s
 * @param mlp GeLU (2 matrices) or SwiGLU (3 matrices), for dense layers and experts alike
 * @param tiedEmbeddings whether the output layer shares the input embedding's weights
 * @param flashAttention whether attention uses a fused kernel that keeps no s×s score tensors
 * @param norm LayerNorm or RMSNorm
 * @param headDim channels per query/key/value head d ({@code head_dim}; with latent attention the non-rotary query/key
 *     part); 0 on input means hidden/heads
 * @param latentAttention Multi-head Latent Attention, or {@link LatentAttention#NONE}
 * @param mixtureOfExperts the MoE block, or {@link MixtureOfExperts#NONE} for a dense model
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
        NormKind norm,
        int headDim,
        LatentAttention latentAttention,
        MixtureOfExperts mixtureOfExperts) {

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
        require(headDim >= 0, "model " + name + ": head_dim must be at least 1, got " + headDim);
        if (headDim == 0) {
            require(
                    hiddenSize % attentionHeads == 0,
                    "model " + name + ": hiddenSize (" + hiddenSize + ") must be a multiple of attentionHeads ("
                            + attentionHeads + ") unless head_dim is given");
            headDim = hiddenSize / attentionHeads;
        }
        latentAttention = latentAttention == null ? LatentAttention.NONE : latentAttention;
        mixtureOfExperts = mixtureOfExperts == null ? MixtureOfExperts.NONE : mixtureOfExperts;
        require(
                mixtureOfExperts.leadingDenseLayers() < layers || !mixtureOfExperts.isPresent(),
                "model " + name + ": moe_dense_layers (" + mixtureOfExperts.leadingDenseLayers()
                        + ") leaves no MoE layer of " + layers);
    }

    /** A dense model with standard attention whose heads are hidden/heads wide. */
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
            boolean flashAttention,
            NormKind norm) {
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
                norm,
                0,
                LatentAttention.NONE,
                MixtureOfExperts.NONE);
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

    /**
     * This model trained on sequences of {@code value} tokens (a plan's {@code --seq-len}); every other field, head
     * dimension, latent attention and experts included, is kept.
     */
    public ModelSpec withSequenceLength(int value) {
        return new ModelSpec(
                name,
                layers,
                hiddenSize,
                ffnHiddenSize,
                attentionHeads,
                kvHeads,
                vocabularySize,
                value,
                mlp,
                tiedEmbeddings,
                flashAttention,
                norm,
                headDim,
                latentAttention,
                mixtureOfExperts);
    }

    /** This model with heads {@code value} channels wide (0 = hidden/heads). */
    public ModelSpec withHeadDim(int value) {
        return new ModelSpec(
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
                norm,
                value,
                latentAttention,
                mixtureOfExperts);
    }

    /** This model with latent attention {@code value}. */
    public ModelSpec withLatentAttention(LatentAttention value) {
        return new ModelSpec(
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
                norm,
                headDim,
                value,
                mixtureOfExperts);
    }

    /** This model with the MoE block {@code value}. */
    public ModelSpec withMixtureOfExperts(MixtureOfExperts value) {
        return new ModelSpec(
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
                norm,
                headDim,
                latentAttention,
                value);
    }

    /** k/a: the fraction of K and V projections relative to Q. */
    public double kvRatio() {
        return (double) kvHeads / attentionHeads;
    }

    /** Whether 0-based {@code layer} has an MoE block (every layer after the leading dense ones). */
    public boolean isMoeLayer(int layer) {
        return mixtureOfExperts.isPresent() && layer >= mixtureOfExperts.leadingDenseLayers();
    }

    /** Layers with an MoE block. */
    public int moeLayers() {
        return mixtureOfExperts.isPresent() ? layers - mixtureOfExperts.leadingDenseLayers() : 0;
    }

    /**
     * Weights of one layer's attention GEMMs. Standard attention: Q and O are h×a·d, K and V h×k·d (cost-models.md
     * §1.1 with d = h/a). Latent attention (DeepSeek-V2 §2.1): W_DQ h×q_lora, W_UQ q_lora×a·(d+r) (or h×a·(d+r) without a
     * query latent), W_DKV+W_KR h×(kv_lora+r), W_UKV kv_lora×a·(d+v), W_O a·v×h.
     */
    public long attentionMatmulParametersPerLayer() {
        long h = hiddenSize;
        long a = attentionHeads;
        long d = headDim;
        if (!latentAttention.isPresent()) {
            return 2L * h * a * d + 2L * h * kvHeads * d;
        }
        long r = latentAttention.qkRopeHeadDim();
        long v = latentAttention.vHeadDim();
        long qLora = latentAttention.qLoraRank();
        long kvLora = latentAttention.kvLoraRank();
        long query = qLora > 0 ? h * qLora + qLora * a * (d + r) : h * a * (d + r);
        long keyValue = h * (kvLora + r) + kvLora * a * (d + v);
        return query + keyValue + a * v * h;
    }

    /** Norm weights of one layer: the two block norms, plus latent attention's RMSNorms on its two latents. */
    public long normParametersPerLayer() {
        long latentNorms = latentAttention.qLoraRank() + (long) latentAttention.kvLoraRank();
        return 2L * hiddenSize * norm.parametersPerChannel() + latentNorms;
    }

    /** Weights of one MLP of {@code ffn} channels: 3·h·ffn for SwiGLU, 2·h·ffn for GeLU (biases not counted). */
    public long mlpParameters(int ffn) {
        return (mlp == MlpKind.SWIGLU ? 3L : 2L) * hiddenSize * ffn;
    }

    /** Weights of one expert ({@code moe_ffn_hidden} channels); 0 for a dense model. */
    public long expertParameters() {
        return mlpParameters(mixtureOfExperts.expertFfnHiddenSize());
    }

    /** The router of one MoE layer: an h×E linear layer. */
    public long routerParameters() {
        return (long) hiddenSize * mixtureOfExperts.routedExperts();
    }

    /** Weights of the routed experts of {@code layer}: the part expert parallelism shards; 0 on a dense layer. */
    public long routedExpertParametersOfLayer(int layer) {
        return isMoeLayer(layer) ? mixtureOfExperts.routedExperts() * expertParameters() : 0;
    }

    /**
     * P_layer of cost-models.md §1.1 for 0-based {@code layer}: attention, norms, and either the dense MLP or the router
     * with every routed and shared expert (linear biases not counted).
     */
    public long parametersOfLayer(int layer) {
        return attentionMatmulParametersPerLayer() + normParametersPerLayer() + feedForwardParameters(layer, false);
    }

    /** Parameters one token's pass through {@code layer} reads: as {@link #parametersOfLayer} with top-k experts. */
    public long activeParametersOfLayer(int layer) {
        return attentionMatmulParametersPerLayer() + normParametersPerLayer() + feedForwardParameters(layer, true);
    }

    private long feedForwardParameters(int layer, boolean activeOnly) {
        if (!isMoeLayer(layer)) {
            return mlpParameters(ffnHiddenSize);
        }
        int experts = (activeOnly ? mixtureOfExperts.topK() : mixtureOfExperts.routedExperts())
                + mixtureOfExperts.sharedExperts();
        return routerParameters() + experts * expertParameters();
    }

    /**
     * Parameters one GPU holds of 0-based {@code layer} (cost-models.md §1.1 split as Megatron-Core shards it, Megatron
     * Core MoE README, "Parallel Folding"): attention, norms, router, shared experts and a dense MLP over the tensor-
     * parallel degree {@code tp}; the routed experts over {@code expertShards} = ep·etp (each GPU holds E/ep experts,
     * each split over etp).
     */
    public double layerParametersPerRank(int layer, int tp, int expertShards) {
        long routed = routedExpertParametersOfLayer(layer);
        return (double) (parametersOfLayer(layer) - routed) / tp + (double) routed / expertShards;
    }

    /** The largest layer per GPU ({@link #layerParametersPerRank}), the unit ZeRO-3 gathers at once. */
    public double largestLayerParametersPerRank(int tp, int expertShards) {
        double largest = layerParametersPerRank(0, tp, expertShards);
        if (isMoeLayer(layers - 1)) {
            largest = Math.max(largest, layerParametersPerRank(layers - 1, tp, expertShards));
        }
        return largest;
    }

    /** MoE layers among the {@code count} layers that start at 0-based {@code firstLayer}. */
    public int moeLayersIn(int firstLayer, int count) {
        if (!mixtureOfExperts.isPresent()) {
            return 0;
        }
        int firstMoe = Math.max(firstLayer, mixtureOfExperts.leadingDenseLayers());
        return Math.max(0, firstLayer + count - firstMoe);
    }

    /**
     * Dense parameters per rank of each pipeline stage, whose layer counts are {@code stageLayers} (stages hold
     * consecutive layers), with TP degree {@code tp} (cost-models.md §1.1): the stage's layers without their routed
     * experts over t, plus the padded embedding {@code V_pad·h/t} on the first stage, and the final norm and output
     * layer (untied, or the tied copy when pipelined) on the last. Data parallelism (and ZeRO) shards these over dp·cp.
     */
    public double[] stageDenseParameters(int[] stageLayers, int tp) {
        int stages = stageLayers.length;
        long paddedVocab = paddedVocabulary(tp);
        double h = hiddenSize;
        double[] result = new double[stages];
        int firstLayer = 0;
        for (int stage = 0; stage < stages; stage++) {
            long layerParams = 0;
            for (int layer = firstLayer; layer < firstLayer + stageLayers[stage]; layer++) {
                layerParams += parametersOfLayer(layer) - routedExpertParametersOfLayer(layer);
            }
            firstLayer += stageLayers[stage];
            double params = (double) layerParams / tp;
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

    /**
     * Routed-expert parameters per rank of each pipeline stage: the routed experts of the stage's MoE layers over
     * {@code expertShards} = ep·etp (Megatron Core MoE README: experts are partitioned over the expert-parallel group
     * and each expert's GEMMs over the expert-tensor-parallel group). Expert data parallelism (tp·cp·dp/(ep·etp)
     * replicas) shards these under ZeRO. All zero for a dense model.
     */
    public double[] stageExpertParameters(int[] stageLayers, int expertShards) {
        double[] result = new double[stageLayers.length];
        int firstLayer = 0;
        for (int stage = 0; stage < stageLayers.length; stage++) {
            long routed =
                    moeLayersIn(firstLayer, stageLayers[stage]) * mixtureOfExperts.routedExperts() * expertParameters();
            result[stage] = (double) routed / expertShards;
            firstLayer += stageLayers[stage];
        }
        return result;
    }

    /**
     * Parameters per rank of each pipeline stage: {@link #stageDenseParameters} plus {@link #stageExpertParameters}
     * (for a dense model, the stage's layers over t plus the first and last stage's embedding, norm and output layer).
     */
    public double[] stageParameters(int[] stageLayers, int tp, int expertShards) {
        double[] dense = stageDenseParameters(stageLayers, tp);
        double[] experts = stageExpertParameters(stageLayers, expertShards);
        double[] result = new double[dense.length];
        for (int stage = 0; stage < dense.length; stage++) {
            result[stage] = dense[stage] + experts[stage];
        }
        return result;
    }

    /** V·h: one embedding matrix (the output layer has the same size). */
    public long embeddingParameters() {
        return (long) vocabularySize * hiddenSize;
    }

    /** Ψ_total of cost-models.md §1.1: every layer, the final norm and the embeddings. */
    public long totalParameters() {
        long layerParams = 0;
        for (int layer = 0; layer < layers; layer++) {
            layerParams += parametersOfLayer(layer);
        }
        return layerParams + nonLayerParameters();
    }

    /** Parameters one token's forward pass reads: {@link #totalParameters} with only the top-k routed experts. */
    public long activeParameters() {
        long layerParams = 0;
        for (int layer = 0; layer < layers; layer++) {
            layerParams += activeParametersOfLayer(layer);
        }
        return layerParams + nonLayerParameters();
    }

    private long nonLayerParameters() {
        return (long) norm.parametersPerChannel() * hiddenSize + embeddingParameters() * (tiedEmbeddings ? 1 : 2);
    }

    /**
     * Model FLOPs per token of one training step (forward + backward, no recompute), F_step / (B·s) of cost-models.md
     * §1.2, counting active parameters only: 6 FLOPs per active GEMM weight (router and top-k plus shared experts on MoE
     * layers, so a MoE model's MFU counts the work each token really does), plus the score and value products
     * 6·s·a·(d_qk + d_v) per layer over the full s×s matrix as Megatron counts them, plus the logits 6·V·h. For a dense
     * model with d = h/a this is 12·L·h²·(1 + k/a + s/h + f/h·gated) + 6·V·h.
     */
    public double trainingFlopsPerToken() {
        long gemmWeights = 0;
        for (int layer = 0; layer < layers; layer++) {
            gemmWeights += activeParametersOfLayer(layer) - normParametersPerLayer();
        }
        long qkWidth = headDim + (long) latentAttention.qkRopeHeadDim();
        long vWidth = latentAttention.isPresent() ? latentAttention.vHeadDim() : headDim;
        long scores = 6L * layers * sequenceLength * attentionHeads * (qkWidth + vWidth);
        return 6.0 * gemmWeights + scores + 6.0 * embeddingParameters();
    }

    /** Megatron's padding of the vocabulary to a multiple of 128·t (cost-models.md §1.1). */
    public long paddedVocabulary(int tensorParallel) {
        long multiple = 128L * tensorParallel;
        return (vocabularySize + multiple - 1) / multiple * multiple;
    }
}
