package dev.trainingplanner.api.measurement;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;

/**
 * One measured training step of a job as stored and answered: the plan revision that ran, the step, the iteration time
 * and throughput, optionally the peak memory of some ranks and the framework's per-phase times, and when the step was
 * observed.
 *
 * @param peakMemoryBytesPerRank rank to peak bytes; null when not reported
 * @param phaseSeconds phase name to seconds; null when not reported
 */
public record MeasuredStep(
        int planRevision,
        long step,
        double iterationSeconds,
        double tokensPerSecond,
        SortedMap<Integer, Long> peakMemoryBytesPerRank,
        Map<String, Double> phaseSeconds,
        Instant timestamp) {

    /**
     * Whether {@code other} reports the same measurement of the same step. The timestamp says when the step was
     * observed, not what was measured: an agent that reads the same log line again after a restart observes it later,
     * and that resend is the same sample.
     */
    boolean sameMeasurementAs(MeasuredStep other) {
        return planRevision == other.planRevision
                && step == other.step
                && iterationSeconds == other.iterationSeconds
                && tokensPerSecond == other.tokensPerSecond
                && Objects.equals(peakMemoryBytesPerRank, other.peakMemoryBytesPerRank)
                && Objects.equals(phaseSeconds, other.phaseSeconds);
    }
}
