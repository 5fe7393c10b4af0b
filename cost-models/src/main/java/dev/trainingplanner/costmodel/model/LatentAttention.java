package dev.trainingplanner.costmodel.model;

import static dev.trainingplanner.costmodel.InvalidInputException.require;

/**
 * Multi-head Latent Attention (DeepSeek-V2 §2.1, DeepSeek-V3 §2.1.1): queries and keys/values pass through low-rank
 * latents; each head's query/key has a non-positional part of the model's head dimension plus a shared rotary part of
 * {@code qkRopeHeadDim}, and its value has {@code vHeadDim} channels.
 *
 * @param qLoraRank query latent rank ({@code q_lora_rank}); 0 = queries projected directly from the hidden state
 * @param kvLoraRank key/value latent rank ({@code kv_lora_rank}); 0 = standard attention (no MLA)
 * @param qkRopeHeadDim rotary channels per query/key head ({@code qk_rope_head_dim})
 * @param vHeadDim value channels per head ({@code v_head_dim})
 */
public record LatentAttention(int qLoraRank, int kvLoraRank, int qkRopeHeadDim, int vHeadDim) {

    /** Standard (grouped-query) attention. */
    public static final LatentAttention NONE = new LatentAttention(0, 0, 0, 0);

    public LatentAttention {
        require(
                qLoraRank >= 0 && kvLoraRank >= 0 && qkRopeHeadDim >= 0 && vHeadDim >= 0,
                "q_lora_rank, kv_lora_rank, qk_rope_head_dim and v_head_dim must be at least 0");
        if (kvLoraRank > 0) {
            require(vHeadDim >= 1, "latent attention needs v_head_dim >= 1");
        } else {
            require(
                    qLoraRank == 0 && qkRopeHeadDim == 0 && vHeadDim == 0,
                    "q_lora_rank, qk_rope_head_dim and v_head_dim need kv_lora_rank >= 1 (latent attention)");
        }
    }

    public boolean isPresent() {
        return kvLoraRank > 0;
    }
}
