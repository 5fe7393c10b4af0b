package dev.trainingplanner.costmodel.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainingplanner.costmodel.InvalidInputException;
import org.junit.jupiter.api.Test;

class ModelSpecTest {

    /** Unit-test vectors of cost-models.md §1.1 (they match the published Hugging Face parameter counts). */
    @Test
    void llama2And3ParameterCountsMatchThePublishedVectors() {
        ModelSpec llama2 = ModelPresets.byName("llama2-7b");
        assertThat(llama2.parametersOfLayer(0)).isEqualTo(202_383_360L);
        assertThat(llama2.totalParameters()).isEqualTo(6_738_415_616L);

        ModelSpec llama3 = ModelPresets.byName("llama3-8b");
        assertThat(llama3.parametersOfLayer(0)).isEqualTo(218_112_000L);
        assertThat(llama3.totalParameters()).isEqualTo(8_030_261_248L);
    }

    /** cost-models.md §1.2: Llama-3-8B at s = 8192 needs 57,912,852,480 FLOPs per token. */
    @Test
    void llama3FlopsPerTokenMatchTheVector() {
        assertThat(ModelPresets.byName("llama3-8b").trainingFlopsPerToken()).isEqualTo(57_912_852_480.0);
    }

    /** GPT-3 shape reduces to 72·s·l·h²(1 + s/6h + V/12lh) per sequence (cost-models.md §1.2). */
    @Test
    void gpt3FlopsReduceToTheNarayananFormula() {
        ModelSpec gpt3 = ModelPresets.byName("gpt3-175b");
        double s = 2048;
        double l = 96;
        double h = 12288;
        double v = 50257;
        double perSequence = 72 * s * l * h * h * (1 + s / (6 * h) + v / (12 * l * h));
        assertThat(gpt3.trainingFlopsPerToken() * s)
                .isCloseTo(perSequence, org.assertj.core.data.Percentage.withPercentage(1e-9));
    }

    @Test
    void presetsAreLowerCaseHyphenatedAndIncludeTheRequiredNames() {
        assertThat(ModelPresets.names())
                .contains(
                        "gpt3-175b",
                        "llama2-7b",
                        "llama2-13b",
                        "llama2-70b",
                        "llama3-8b",
                        "llama3-70b",
                        "llama3.1-405b",
                        "bloom-176b")
                .allMatch(n -> n.equals(n.toLowerCase()) && !n.contains(" ") && !n.contains("_"));
        assertThat(ModelPresets.byName("LLAMA3-8B")).isEqualTo(ModelPresets.byName("llama3-8b"));
    }

    @Test
    void badSizesAndUnknownPresetsGiveSpecificErrors() {
        assertThatThrownBy(() -> new ModelSpec("m", 0, 4096, 11008, 32, 32, 32000, 4096, MlpKind.SWIGLU, false, true))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("layers must be at least 1, got 0");
        assertThatThrownBy(() -> new ModelSpec("m", 32, -4096, 11008, 32, 32, 32000, 4096, MlpKind.SWIGLU, false, true))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("hiddenSize");
        assertThatThrownBy(() -> new ModelSpec("m", 32, 4096, 11008, 32, 5, 32000, 4096, MlpKind.SWIGLU, false, true))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("multiple of kvHeads");
        assertThatThrownBy(() -> ModelPresets.byName("gpt-5"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("unknown model preset 'gpt-5'")
                .hasMessageContaining("llama3-8b");
    }

    @Test
    void customModelJsonRoundTripsAndReportsMissingFields() {
        ModelSpec llama = ModelPresets.byName("llama3-70b");
        assertThat(ModelSpecJson.parse(ModelSpecJson.write(llama), "x")).isEqualTo(llama);
        ModelSpec minimal = ModelSpecJson.parse(
                "{\"layers\": 24, \"hiddenSize\": 2048, \"attentionHeads\": 16, \"vocabularySize\": 50257,"
                        + " \"sequenceLength\": 2048}",
                "tiny.json");
        assertThat(minimal.ffnHiddenSize()).isEqualTo(8192);
        assertThat(minimal.kvHeads()).isEqualTo(16);
        assertThat(minimal.name()).isEqualTo("tiny.json");
        assertThatThrownBy(() -> ModelSpecJson.parse("{\"layers\": 24}", "x"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'hiddenSize'");
        assertThatThrownBy(() -> ModelSpecJson.parse(
                        "{\"layers\": 24.5, \"hiddenSize\": 64, \"attentionHeads\": 1, \"vocabularySize\": 1, \"sequenceLength\": 1}",
                        "x"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("must be an integer");
        assertThatThrownBy(() -> ModelSpecJson.parse("not json", "x"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not valid JSON");
    }
}
