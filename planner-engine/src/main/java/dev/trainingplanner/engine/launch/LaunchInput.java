package dev.trainingplanner.engine.launch;

import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.CollectiveBuckets;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import java.util.List;

/**
 * Everything a launch of one plan needs.
 *
 * @param model the model with the plan's sequence length
 * @param nodes the nodes in torchrun node-rank order, each using the same number of GPUs
 */
public record LaunchInput(
        Framework framework,
        Precision precision,
        ModelSpec model,
        int globalBatchSequences,
        int microBatchSequences,
        Layout layout,
        List<NodeLaunch> nodes) {

    public LaunchInput {
        nodes = List.copyOf(nodes);
    }

    public int gpusPerNode() {
        return nodes.get(0).gpus().size();
    }

    public int worldSize() {
        return nodes.size() * gpusPerNode();
    }

    /**
     * The collective buckets the prediction assumed: the framework's defaults on the layout's data-parallel ring of
     * dp·cp ranks (the cost model's {@code TrainingSpec.bucketsFor}).
     */
    public CollectiveBuckets buckets() {
        return CollectiveBuckets.defaults(framework, layout.dp() * layout.cp());
    }

    /** Micro-batches per optimizer step on every data-parallel rank. */
    public int gradientAccumulationSteps() {
        return globalBatchSequences / (microBatchSequences * layout.dp());
    }
}
