package dev.trainingplanner.agent.watch;

import java.time.Instant;

/**
 * What one training-log line says about one optimizer step, in the units of a planner measurement.
 *
 * @param step the step (iteration) number the framework printed
 * @param iterationSeconds wall time of one step
 * @param tokensPerSecond tokens of the whole job per second
 * @param peakMemoryBytes peak GPU memory of the rank that wrote the log; null when the line has none
 * @param loggedAt the line's own time stamp; null when the line has none
 */
public record StepSample(
        long step, double iterationSeconds, double tokensPerSecond, Long peakMemoryBytes, Instant loggedAt) {}
