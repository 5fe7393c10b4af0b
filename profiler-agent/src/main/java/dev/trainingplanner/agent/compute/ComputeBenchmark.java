package dev.trainingplanner.agent.compute;

import java.io.IOException;
import java.util.List;

/** A compute micro-benchmark repeated over time: one duration in seconds per round. */
public interface ComputeBenchmark {

    List<Double> roundSeconds(int rounds, long pauseMillis) throws IOException;

    /** What was measured, for the log. */
    String describe();
}
