package dev.trainingplanner.agent.watch;

import java.util.Optional;

/**
 * Reads a training framework's log one complete line at a time and reports the steps it describes. Lines it does not
 * recognise (start-up messages, other ranks' noise, lines cut short) yield nothing. A parser may remember earlier lines
 * (DeepSpeed prints the step number and the throughput on separate lines), so one instance reads one log.
 */
public interface TrainingLogParser {

    Optional<StepSample> accept(String line);
}
