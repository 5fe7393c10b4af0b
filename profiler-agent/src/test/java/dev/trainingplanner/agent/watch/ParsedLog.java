package dev.trainingplanner.agent.watch;

import dev.trainingplanner.agent.support.Fixtures;
import java.util.ArrayList;
import java.util.List;

/** Feeds a cited fixture through one parser, line by line, as the watch mode does. */
final class ParsedLog {

    private ParsedLog() {}

    static List<StepSample> of(String fixture, TrainingLogParser parser) {
        List<StepSample> samples = new ArrayList<>();
        for (String line : Fixtures.citedLines(fixture)) {
            parser.accept(line).ifPresent(samples::add);
        }
        return samples;
    }
}
