package dev.trainingplanner.costmodel.model;

import static dev.trainingplanner.costmodel.InvalidInputException.require;

/**
 * The mixture-of-experts feed-forward block (GShard/Switch routing as Megatron-Core's {@code MoELayer} builds it):
 * every MoE layer has a router (an h×E linear layer), {@code routedExperts} experts of which each token visits
 * {@code topK}, and {@code sharedExperts} experts every token visits. Every expert is an MLP of the model's
 * {@link MlpKind} with {@code expertFfnHiddenSize} channels. The first {@code leadingDenseLayers} layers keep a dense MLP
 * of the model's {@code ffnHiddenSize} (DeepSeek-V3: 3).
 *
 * @param routedExperts routed experts per MoE layer E ({@code num_experts}); 0 for a dense model
 * @param topK routed experts per token k ({@code top_k})
 * @param expertFfnHiddenSize FFN width of one expert ({@code moe_ffn_hidden})
 * @param sharedExperts always-active experts per MoE layer, each {@code expertFfnHiddenSize} wide
 *     ({@code shared_experts})
 * @param leadingDenseLayers leading layers with a dense MLP ({@code moe_dense_layers})
 */
public record MixtureOfExperts(
        int routedExperts, int topK, int expertFfnHiddenSize, int sharedExperts, int leadingDenseLayers) {

    /** A dense model: no MoE layer. */
    public static final MixtureOfExperts NONE = new MixtureOfExperts(0, 0, 0, 0, 0);

    public MixtureOfExperts {
        require(
                routedExperts >= 0 && sharedExperts >= 0 && leadingDenseLayers >= 0,
                "num_experts, shared_experts and moe_dense_layers must be at least 0, got " + routedExperts + ", "
                        + sharedExperts + ", " + leadingDenseLayers);
        if (routedExperts > 0) {
            require(
                    topK >= 1 && topK <= routedExperts,
                    "top_k must be between 1 and num_experts = " + routedExperts + ", got " + topK);
            require(expertFfnHiddenSize >= 1, "moe_ffn_hidden must be at least 1, got " + expertFfnHiddenSize);
        } else {
            require(
                    topK == 0 && expertFfnHiddenSize == 0 && sharedExperts == 0 && leadingDenseLayers == 0,
                    "top_k, moe_ffn_hidden, shared_experts and moe_dense_layers need num_experts >= 1");
        }
    }

    /** Whether the model has MoE layers at all. */
    public boolean isPresent() {
        return routedExperts > 0;
    }

    /** Experts whose weights every token's FFN pass reads: top-k routed plus the shared ones. */
    public int activeExpertsPerToken() {
        return topK + sharedExperts;
    }
}
