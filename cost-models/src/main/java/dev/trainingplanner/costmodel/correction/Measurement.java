package dev.trainingplanner.costmodel.correction;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.batch.CaseInputs;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What one training run measured on a cluster, beside the inputs the estimator takes for it. The caller summarises the
 * run's steps: {@code iterationSeconds} (and every per-phase time) is the median over the steps after warm-up, so that
 * compilation, allocator growth and data-loader start-up do not count; {@code samples} is how many steps that median
 * covers.
 *
 * @param runId identifies the run in the evidence of every factor fitted from it
 * @param inputs model, training, cluster, layout and placement, as for {@code CostModel.estimate}
 * @param iterationSeconds median post-warm-up iteration time
 * @param peakMemoryBytes largest per-GPU memory the run reported (as {@code nvidia-smi} or the framework's reserved
 *     memory shows it), if measured
 * @param phaseSeconds median per-phase times the framework reports (e.g. forward-backward, optimizer), by its names
 * @param samples post-warm-up steps the medians cover (at least 1)
 * @param slowStepFraction share of the post-warm-up steps slower than the median by more than {@link
 *     #SLOW_STEP_MARGIN}, if the caller has the steps: how often something (a straggler) held a step back
 */
public record Measurement(
        String runId,
        CaseInputs inputs,
        double iterationSeconds,
        OptionalDouble peakMemoryBytes,
        Map<String, Double> phaseSeconds,
        long samples,
        OptionalDouble slowStepFraction) {

    /** A step is slow when it takes more than this fraction above its run's median iteration time. */
    public static final double SLOW_STEP_MARGIN = 0.10;

    public Measurement {
        InvalidInputException.require(runId != null && !runId.isBlank(), "measurement run id must not be blank");
        InvalidInputException.require(inputs != null, "measurement " + runId + ": inputs must not be null");
        InvalidInputException.require(
                Double.isFinite(iterationSeconds) && iterationSeconds > 0,
                "measurement " + runId + ": iteration seconds must be a finite number above 0, got "
                        + iterationSeconds);
        InvalidInputException.require(
                peakMemoryBytes != null, "measurement " + runId + ": peak memory must not be null");
        peakMemoryBytes.ifPresent(bytes -> InvalidInputException.require(
                Double.isFinite(bytes) && bytes > 0,
                "measurement " + runId + ": peak memory must be a finite number of bytes above 0, got " + bytes));
        InvalidInputException.require(
                phaseSeconds != null, "measurement " + runId + ": phase seconds must not be null");
        phaseSeconds.forEach((phase, seconds) -> InvalidInputException.require(
                seconds != null && Double.isFinite(seconds) && seconds >= 0,
                "measurement " + runId + ": phase " + phase + " must take finite, non-negative seconds, got "
                        + seconds));
        InvalidInputException.require(
                samples >= 1, "measurement " + runId + ": samples must be at least 1, got " + samples);
        InvalidInputException.require(
                slowStepFraction != null, "measurement " + runId + ": slow-step fraction must not be null");
        slowStepFraction.ifPresent(fraction -> InvalidInputException.require(
                fraction >= 0 && fraction <= 1,
                "measurement " + runId + ": slow-step fraction must be within [0, 1], got " + fraction));
        phaseSeconds = Map.copyOf(phaseSeconds);
    }

    /** A run whose steps' spread is not known. */
    public Measurement(
            String runId,
            CaseInputs inputs,
            double iterationSeconds,
            OptionalDouble peakMemoryBytes,
            Map<String, Double> phaseSeconds,
            long samples) {
        this(runId, inputs, iterationSeconds, peakMemoryBytes, phaseSeconds, samples, OptionalDouble.empty());
    }

    /** A run with its iteration time only. */
    public static Measurement ofIterationTime(String runId, CaseInputs inputs, double iterationSeconds, long samples) {
        return new Measurement(runId, inputs, iterationSeconds, OptionalDouble.empty(), Map.of(), samples);
    }
}
