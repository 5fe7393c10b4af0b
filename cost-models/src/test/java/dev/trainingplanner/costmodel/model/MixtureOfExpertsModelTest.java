package dev.trainingplanner.costmodel.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Percentage.withPercentage;

import dev.trainingplanner.costmodel.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Mixture-of-experts and latent-attention presets against their model cards' parameter counts. */
class MixtureOfExpertsModelTest {

    /**
     * Published totals (billions): DeepSeek-V3 technical report (arXiv 2412.19437) §1: 671B total, 37B activated per
     * token, without the 14B multi-token-prediction module; Qwen3 technical report (arXiv 2505.09388) Table 2 /
     * model cards: Qwen3-235B-A22B 235B / 22B, Qwen3-30B-A3B 30.5B / 3.3B; Mixtral of Experts (arXiv 2401.04088) §2:
     * 46.7B / 12.9B; Mixtral-8x22B model card 141B / 39B; gpt-oss model card (OpenAI, 2025) Table 1: 116.83B total,
     * 5.13B active excluding the embedding (input) matrix.
     */
    @ParameterizedTest
    @CsvSource({
        "deepseek-v3,     671,   37,   0.5",
        "qwen3-235b-a22b, 235,   22,   1.5",
        "qwen3-30b-a3b,   30.5,  3.3,  1.5",
        "mixtral-8x7b,    46.7,  12.9, 0.5",
        "mixtral-8x22b,   141,   39,   0.5",
    })
    void totalAndActiveParametersMatchTheModelCards(
            String preset, double totalBillions, double activeBillions, double tolerancePercent) {
        ModelSpec model = ModelPresets.byName(preset);

        assertThat(model.totalParameters() / 1e9).isCloseTo(totalBillions, withPercentage(tolerancePercent));
        assertThat(model.activeParameters() / 1e9).isCloseTo(activeBillions, withPercentage(tolerancePercent + 1));
    }

    /** gpt-oss counts its active parameters without the input embedding, and its totals with linear biases. */
    @Test
    void gptOss120bMatchesItsModelCardWithoutBiases() {
        ModelSpec model = ModelPresets.byName("gpt-oss-120b");

        assertThat(model.totalParameters() / 1e9).isCloseTo(116.83, withPercentage(0.5));
        assertThat((model.activeParameters() - model.embeddingParameters()) / 1e9)
                .isCloseTo(5.13, withPercentage(1));
    }

    /** DeepSeek-V3's per-layer split, by hand from its config: MLA 187,107,328 and a 3-matrix expert 44,040,192. */
    @Test
    void deepSeekV3LayersSplitIntoLatentAttentionDenseAndExpertParts() {
        ModelSpec v3 = ModelPresets.byName("deepseek-v3");

        long mla = 7168L * 1536 + 1536L * 128 * 192 + 7168L * 576 + 512L * 128 * 256 + 128L * 128 * 7168;
        assertThat(v3.attentionMatmulParametersPerLayer()).isEqualTo(mla).isEqualTo(187_105_280L);
        assertThat(v3.expertParameters()).isEqualTo(44_040_192L);
        assertThat(v3.isMoeLayer(2)).isFalse();
        assertThat(v3.isMoeLayer(3)).isTrue();
        assertThat(v3.moeLayers()).isEqualTo(58);
        assertThat(v3.routedExpertParametersOfLayer(2)).isZero();
        assertThat(v3.routedExpertParametersOfLayer(3)).isEqualTo(256 * 44_040_192L);
        assertThat(v3.parametersOfLayer(0) - v3.attentionMatmulParametersPerLayer() - v3.normParametersPerLayer())
                .isEqualTo(3L * 7168 * 18432);
    }

    /**
     * MFU counts active parameters only: a MoE model's FLOPs per token are 6 per active GEMM weight plus attention
     * scores and logits, far below 6 per parameter. DeepSeek-V3 at s = 4096: 6·(37.0B active GEMM weights) + scores.
     */
    @Test
    void flopsPerTokenCountActiveParametersOnly() {
        ModelSpec v3 = ModelPresets.byName("deepseek-v3");
        long gemmWeights = v3.activeParameters()
                - v3.layers() * v3.normParametersPerLayer()
                - v3.hiddenSize()
                - 2 * v3.embeddingParameters();
        double scores = 6.0 * 61 * 4096 * 128 * (192 + 128);
        double logits = 6.0 * v3.embeddingParameters();

        assertThat(v3.trainingFlopsPerToken()).isEqualTo(6.0 * gemmWeights + scores + logits);
        assertThat(v3.trainingFlopsPerToken()).isLessThan(6.0 * v3.totalParameters() / 10);
    }

    @Test
    void headDimOtherThanHiddenOverHeadsSizesAttention() {
        ModelSpec qwen = ModelPresets.byName("qwen3-235b-a22b");

        assertThat(qwen.headDim()).isEqualTo(128);
        assertThat(qwen.attentionMatmulParametersPerLayer()).isEqualTo(2L * 4096 * 64 * 128 + 2L * 4096 * 4 * 128);
        assertThat(ModelPresets.byName("llama3-8b").headDim()).isEqualTo(128);
    }

    @Test
    void jsonCarriesTheMixtureOfExpertsAndLatentAttentionFields() {
        ModelSpec v3 = ModelPresets.byName("deepseek-v3");
        String json = ModelSpecJson.write(v3);

        assertThat(json).contains("\"num_experts\" : 256", "\"kv_lora_rank\" : 512", "\"head_dim\" : 128");
        assertThat(ModelSpecJson.parse(json, "x")).isEqualTo(v3);
        ModelSpec mixtral = ModelSpecJson.parse(
                "{\"layers\": 32, \"hiddenSize\": 4096, \"ffnHiddenSize\": 14336, \"attentionHeads\": 32,"
                        + " \"kvHeads\": 8, \"vocabularySize\": 32000, \"sequenceLength\": 4096, \"mlp\": \"swiglu\","
                        + " \"num_experts\": 8, \"top_k\": 2, \"moe_ffn_hidden\": 14336}",
                "mixtral");
        assertThat(mixtral.totalParameters())
                .isEqualTo(ModelPresets.byName("mixtral-8x7b").totalParameters());
    }

    @Test
    void inconsistentMixtureOfExpertsFieldsAreRefusedWithTheirNames() {
        assertThatThrownBy(() -> new MixtureOfExperts(8, 9, 1024, 0, 0))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("top_k must be between 1 and num_experts = 8, got 9");
        assertThatThrownBy(() -> new MixtureOfExperts(0, 2, 1024, 0, 0))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("need num_experts >= 1");
        assertThatThrownBy(() -> ModelSpecJson.parse(
                        "{\"layers\": 4, \"hiddenSize\": 64, \"attentionHeads\": 4, \"vocabularySize\": 100,"
                                + " \"sequenceLength\": 16, \"num_experts\": 4, \"top_k\": 1, \"moe_ffn_hidden\": 32,"
                                + " \"moe_dense_layers\": 4}",
                        "m"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("moe_dense_layers (4) leaves no MoE layer of 4");
        assertThatThrownBy(() -> new LatentAttention(1536, 0, 64, 128))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("need kv_lora_rank >= 1");
    }
}
