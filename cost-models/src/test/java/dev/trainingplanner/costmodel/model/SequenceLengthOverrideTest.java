package dev.trainingplanner.costmodel.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SequenceLengthOverrideTest {

    @Test
    void aSequenceLengthOverrideKeepsTheExpertsLatentAttentionAndHeadDimension() {
        ModelSpec deepSeek = ModelPresets.byName("deepseek-v3");

        ModelSpec overridden = deepSeek.withSequenceLength(8192);

        assertThat(overridden.sequenceLength()).isEqualTo(8192);
        assertThat(overridden.mixtureOfExperts()).isEqualTo(deepSeek.mixtureOfExperts());
        assertThat(overridden.latentAttention()).isEqualTo(deepSeek.latentAttention());
        assertThat(overridden.headDim()).isEqualTo(128);
        assertThat(overridden.totalParameters()).isEqualTo(deepSeek.totalParameters());
    }
}
