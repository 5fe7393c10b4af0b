package dev.trainingplanner.costmodel.estimate;

/**
 * Where one iteration's time goes, in seconds. The parts (every component but the share {@code
 * exposedParameterGatherSeconds}) add up to the iteration time.
 *
 * @param computeSeconds forward and backward compute of the critical pipeline (no recompute, no bubble)
 * @param recomputeSeconds extra forward compute for activation recomputation
 * @param pipelineBubbleSeconds pipeline fill and drain
 * @param exposedTensorParallelSeconds tensor- and context-parallel communication not hidden behind compute
 * @param exposedPipelineP2pSeconds pipeline send/receive on the critical path
 * @param exposedDataParallelSeconds data-parallel / ZeRO communication not hidden behind compute, the expert-data-parallel
 *     gradient reduction of MoE layers included
 * @param optimizerStepSeconds the optimizer update
 * @param stragglerSeconds expected extra time caused by stragglers (after gradient coding, if any)
 * @param exposedExpertAllToAllSeconds MoE token dispatch and combine (forward, backward and recompute) on the critical
 *     pipeline stage not hidden behind compute; 0 for a dense model
 * @param exposedParameterGatherSeconds of {@code exposedDataParallelSeconds}, the part that waits for parameter
 *     all-gathers (ZeRO-3 / FSDP gathers beyond the compute of their layer, the distributed optimizer's gathers of
 *     updated parameters); a share, not a further part of the sum
 */
public record TimeBreakdown(
        double computeSeconds,
        double recomputeSeconds,
        double pipelineBubbleSeconds,
        double exposedTensorParallelSeconds,
        double exposedPipelineP2pSeconds,
        double exposedDataParallelSeconds,
        double optimizerStepSeconds,
        double stragglerSeconds,
        double exposedExpertAllToAllSeconds,
        double exposedParameterGatherSeconds) {

    public double totalSeconds() {
        return computeSeconds
                + recomputeSeconds
                + pipelineBubbleSeconds
                + exposedTensorParallelSeconds
                + exposedPipelineP2pSeconds
                + exposedDataParallelSeconds
                + optimizerStepSeconds
                + stragglerSeconds
                + exposedExpertAllToAllSeconds;
    }
}
