package dev.trainingplanner.engine.plan;

import dev.trainingplanner.costmodel.model.ModelSpec;

/** The run's sequence length overrides the model's (the {@code --seq-len} of {@code planner plan}). */
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
                model.norm());
    }
}
