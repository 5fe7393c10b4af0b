package dev.trainingplanner.api.measurement;

import java.util.UUID;

/**
 * The measured steps of one plan revision, summarised. Warm-up steps (those fewer than {@code warmupSteps} after the
 * revision's first reported step: compilation, allocator growth and NCCL setup make them slow) count in
 * {@code samples} but not in the statistics.
 *
 * @param samples every stored step of the revision
 * @param counted the steps after warm-up, which the statistics below describe
 * @param warmupSteps the warm-up length applied ({@code planner.measurements.warmup-steps})
 * @param medianIterationSeconds median iteration time; null when no step is past warm-up
 * @param p95IterationSeconds nearest-rank 95th percentile of iteration time; null when no step is past warm-up
 * @param medianTokensPerSecond median throughput; null when no step is past warm-up
 * @param trendSecondsPerStep least-squares slope of iteration seconds over step number (positive: getting slower);
 *     null with fewer than two distinct steps past warm-up
 * @param peakMemoryBytes the largest peak memory any rank reported in any step; null when none was reported
 */
public record RevisionSummary(
        int planRevision,
        UUID planId,
        long samples,
        long counted,
        long warmupSteps,
        long firstStep,
        long lastStep,
        Double medianIterationSeconds,
        Double p95IterationSeconds,
        Double medianTokensPerSecond,
        Double trendSecondsPerStep,
        Long peakMemoryBytes) {}
