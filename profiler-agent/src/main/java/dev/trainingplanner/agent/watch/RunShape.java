package dev.trainingplanner.agent.watch;

/**
 * What a log line leaves out but the plan states: sequences per optimizer step, tokens per sequence, and the number of
 * GPUs. The parsers need them to turn a framework's own throughput figure into iteration seconds and tokens per second.
 */
public record RunShape(int globalBatchSequences, int sequenceLength, int gpus) {

    public RunShape {
        if (globalBatchSequences < 1 || sequenceLength < 1 || gpus < 1) {
            throw new IllegalArgumentException("global batch, sequence length and GPU count must be positive, got "
                    + globalBatchSequences + ", " + sequenceLength + ", " + gpus);
        }
    }

    long tokensPerStep() {
        return (long) globalBatchSequences * sequenceLength;
    }
}
