package dev.trainingplanner.costmodel.batch;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.training.TrainingSpec;

/** The cost-model inputs of one row of a {@code planner estimate --batch} file. */
public record CaseInputs(
        String caseId, ModelSpec model, TrainingSpec training, Cluster cluster, Layout layout, Placement placement) {}
