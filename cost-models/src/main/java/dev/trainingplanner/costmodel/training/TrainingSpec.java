package dev.trainingplanner.costmodel.training;

import static dev.trainingplanner.costmodel.InvalidInputException.positive;
import static dev.trainingplanner.costmodel.InvalidInputException.require;

/**
 * One optimizer step of mixed-precision Adam training.
 *
 * @param globalBatchSequences sequences per optimizer step B_g
 * @param microBatchSequences sequences per micro-batch b
 * @param precision GEMM precision
 */
public record TrainingSpec(int globalBatchSequences, int microBatchSequences, Precision precision) {

    public TrainingSpec {
        positive("globalBatchSequences", globalBatchSequences);
        positive("microBatchSequences", microBatchSequences);
        require(precision != null, "precision must be fp16, bf16 or fp8");
        require(
                microBatchSequences <= globalBatchSequences,
                "microBatchSequences (" + microBatchSequences + ") must not exceed globalBatchSequences ("
                        + globalBatchSequences + ")");
    }
}
