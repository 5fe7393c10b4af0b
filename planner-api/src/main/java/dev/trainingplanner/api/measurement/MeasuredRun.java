package dev.trainingplanner.api.measurement;

import java.util.UUID;

/**
 * One plan revision of a job as a run: the medians of its steps after warm-up, which is what a correction fit takes as
 * one measured run ({@code costmodel.correction.Measurement}).
 *
 * @param counted steps after warm-up the medians cover
 * @param medianIterationSeconds median iteration time after warm-up
 * @param medianPeakMemoryBytes per step the largest peak any rank reported, the median over the steps after warm-up
 *     that reported memory; null when none did
 * @param slowStepFraction share of the steps after warm-up slower than the median by more than the correction fit's
 *     margin ({@code Measurement.SLOW_STEP_MARGIN})
 */
public record MeasuredRun(
        UUID jobId,
        int planRevision,
        UUID planId,
        long counted,
        double medianIterationSeconds,
        Double medianPeakMemoryBytes,
        double slowStepFraction) {}
