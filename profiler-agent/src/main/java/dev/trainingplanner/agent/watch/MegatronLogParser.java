package dev.trainingplanner.agent.watch;

import java.time.ZoneId;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Megatron-LM's training line ({@code megatron/training/training.py}, {@code training_log}):
 * {@code iteration N/ TOTAL | consumed samples: ... | elapsed time per iteration (ms): T | ... | global batch size: G |}.
 * The elapsed time is the mean over the log interval that ends at iteration N. Tokens per second are
 * {@code G x sequence length / T} (Megatron-LM issue #755: "global batch size / elapsed per-iteration time will give you
 * the throughput in sequences / second"). Megatron-DeepSpeed's variant of the line starts with {@code samples/sec: S}
 * and has no batch size; its tokens per second are {@code S x sequence length}.
 */
public final class MegatronLogParser implements TrainingLogParser {

    private static final Pattern ITERATION = Pattern.compile("\\biteration\\s+(\\d+)/\\s*\\d+\\s*\\|");
    private static final Pattern ELAPSED_MS = Pattern.compile("elapsed time per iteration \\(ms\\):\\s*([0-9.]+)");
    private static final Pattern GLOBAL_BATCH = Pattern.compile("global batch size:\\s*(\\d+)");
    private static final Pattern SAMPLES_PER_SECOND = Pattern.compile("samples/sec:\\s*([0-9.]+)");

    private final RunShape shape;
    private final ZoneId zone;

    public MegatronLogParser(RunShape shape, ZoneId zone) {
        this.shape = shape;
        this.zone = zone;
    }

    @Override
    public Optional<StepSample> accept(String line) {
        Matcher iteration = ITERATION.matcher(line);
        Matcher elapsed = ELAPSED_MS.matcher(line);
        if (!iteration.find() || !elapsed.find()) {
            return Optional.empty();
        }
        double seconds = Double.parseDouble(elapsed.group(1)) / 1000;
        if (!(seconds > 0)) {
            return Optional.empty();
        }
        Matcher batch = GLOBAL_BATCH.matcher(line);
        Matcher samples = SAMPLES_PER_SECOND.matcher(line);
        double tokensPerSecond;
        if (batch.find()) {
            tokensPerSecond = Long.parseLong(batch.group(1)) * (double) shape.sequenceLength() / seconds;
        } else if (samples.find()) {
            tokensPerSecond = Double.parseDouble(samples.group(1)) * shape.sequenceLength();
        } else {
            tokensPerSecond = shape.tokensPerStep() / seconds;
        }
        return Optional.of(new StepSample(
                Long.parseLong(iteration.group(1)), seconds, tokensPerSecond, null, LogTimestamps.find(line, zone)));
    }
}
