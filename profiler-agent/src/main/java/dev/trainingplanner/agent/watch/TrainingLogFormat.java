package dev.trainingplanner.agent.watch;

import java.time.ZoneId;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.BiFunction;

/** The log formats {@code watch --format} reads, each with its parser. */
public enum TrainingLogFormat {
    MEGATRON(MegatronLogParser::new),
    DEEPSPEED(DeepSpeedLogParser::new),
    TORCHTITAN(TorchtitanLogParser::new);

    private final BiFunction<RunShape, ZoneId, TrainingLogParser> parser;

    TrainingLogFormat(BiFunction<RunShape, ZoneId, TrainingLogParser> parser) {
        this.parser = parser;
    }

    public TrainingLogParser parser(RunShape shape, ZoneId zone) {
        return parser.apply(shape, zone);
    }

    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TrainingLogFormat of(String name) {
        return Arrays.stream(values())
                .filter(format -> format.optionName().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--format must be one of "
                        + Arrays.stream(values())
                                .map(TrainingLogFormat::optionName)
                                .toList() + ", got '" + name
                        + "'"));
    }
}
