package dev.trainingplanner.costmodel.training;

import static dev.trainingplanner.costmodel.InvalidInputException.positive;
import static dev.trainingplanner.costmodel.InvalidInputException.require;

/**
 * One optimizer step of mixed-precision Adam training.
 *
 * @param globalBatchSequences sequences per optimizer step B_g
 * @param microBatchSequences sequences per micro-batch b
 * @param precision GEMM precision
 * @param framework the framework that runs the step (how it issues collectives and holds memory)
 * @param buckets the collective buckets the framework is configured with, or null for its defaults at the layout's
 *     data-parallel size ({@link #bucketsFor})
 */
public record TrainingSpec(
        int globalBatchSequences,
        int microBatchSequences,
        Precision precision,
        Framework framework,
        CollectiveBuckets buckets) {

    /** A step run by Megatron-LM, the framework the calibration's reference rows mostly come from. */
    public TrainingSpec(int globalBatchSequences, int microBatchSequences, Precision precision) {
        this(globalBatchSequences, microBatchSequences, precision, Framework.MEGATRON);
    }

    /** A step run by {@code framework} with its default buckets. */
    public TrainingSpec(int globalBatchSequences, int microBatchSequences, Precision precision, Framework framework) {
        this(globalBatchSequences, microBatchSequences, precision, framework, null);
    }

    /** The buckets of this step on a data-parallel group of {@code dataParallelSize} ranks. */
    public CollectiveBuckets bucketsFor(int dataParallelSize) {
        return buckets != null ? buckets : CollectiveBuckets.defaults(framework, dataParallelSize);
    }

    /** This step with {@code newBuckets}. */
    public TrainingSpec withBuckets(CollectiveBuckets newBuckets) {
        return new TrainingSpec(globalBatchSequences, microBatchSequences, precision, framework, newBuckets);
    }

    public TrainingSpec {
        positive("globalBatchSequences", globalBatchSequences);
        positive("microBatchSequences", microBatchSequences);
        require(precision != null, "precision must be one of " + Precision.names());
        require(framework != null, "framework must be megatron, deepspeed or fsdp");
        require(
                microBatchSequences <= globalBatchSequences,
                "microBatchSequences (" + microBatchSequences + ") must not exceed globalBatchSequences ("
                        + globalBatchSequences + ")");
    }
}
