package dev.trainingplanner.engine.plan;

import dev.trainingplanner.costmodel.model.ModelSpec;

/**
 * The run's sequence length overrides the model's (the {@code --seq-len} of {@code planner plan}); every other field,
 * head dimension, latent attention and experts included, is kept.
 */
public final class ModelSpecs {

    private ModelSpecs() {}

    public static ModelSpec withSequenceLength(ModelSpec model, int sequenceLength) {
        return new ModelSpec(
                model.name(),
                model.layers(),
                model.hiddenSize(),
                model.ffnHiddenSize(),
                model.attentionHeads(),
                model.kvHeads(),
                model.vocabularySize(),
                sequenceLength,
                model.mlp(),
                model.tiedEmbeddings(),
                model.flashAttention(),
                model.norm(),
                model.headDim(),
                model.latentAttention(),
                model.mixtureOfExperts());
    }
}
