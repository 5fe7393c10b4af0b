package dev.trainingplanner.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import org.junit.jupiter.api.Test;

class ModelSpecsTest {

    @Test
    void aSequenceLengthOverrideKeepsTheExpertsLatentAttentionAndHeadDimension() {
        ModelSpec deepSeek = ModelPresets.byName("deepseek-v3");

        ModelSpec overridden = ModelSpecs.withSequenceLength(deepSeek, 8192);

        assertThat(overridden.sequenceLength()).isEqualTo(8192);
        assertThat(overridden.mixtureOfExperts()).isEqualTo(deepSeek.mixtureOfExperts());
        assertThat(overridden.latentAttention()).isEqualTo(deepSeek.latentAttention());
        assertThat(overridden.headDim()).isEqualTo(128);
        assertThat(overridden.totalParameters()).isEqualTo(deepSeek.totalParameters());
    }
}
