package dev.trainingplanner.engine.plan;

import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.engine.profile.ProfiledCluster;

/**
 * What to plan: a model with the global batch and sequence length of the run, on {@code gpus} GPUs of a measured
 * cluster (excluded nodes and GPUs already removed), launched by {@code framework}.
 */
public record PlanRequest(
        ProfiledCluster cluster,
        ModelSpec model,
        int globalBatchSequences,
        int gpus,
        Framework framework,
        SearchOptions options) {}
