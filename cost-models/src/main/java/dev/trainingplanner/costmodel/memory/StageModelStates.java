package dev.trainingplanner.costmodel.memory;

/**
 * Model states of one rank of a pipeline stage ({@link ModelStateBytes#ofStage}).
 *
 * @param weightsBytes 16-bit weights: the rank's shard plus ZeRO-3's gathered units and hpZ's secondary copy
 * @param gradientsBytes gradients, including ZeRO-3's unsharded fp32 unit gradients
 * @param optimizerStatesBytes fp32 master weights and Adam moments
 * @param optimizerShardParameters parameters whose optimizer states the rank updates in the optimizer step
 * @param expertStatesBytes the part of the three above that belongs to routed experts (their own shards; ZeRO-3's
 *     gathered units not included); 0 for a dense model
 */
public record StageModelStates(
        double weightsBytes,
        double gradientsBytes,
        double optimizerStatesBytes,
        double optimizerShardParameters,
        double expertStatesBytes) {}
