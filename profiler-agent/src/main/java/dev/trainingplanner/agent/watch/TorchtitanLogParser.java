package dev.trainingplanner.agent.watch;

import java.time.ZoneId;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * torchtitan's metrics line ({@code torchtitan/components/metrics.py}, {@code MetricsProcessor.log}):
 * {@code step: N  loss: ...  [grad_norm: ...]  memory: R GiB(P%)  tps: T  tflops: ...  mfu: ...%}, optionally in ANSI
 * colours. {@code tps} is tokens per second per device ({@code ntokens_since_last_log / (time_delta x
 * non_data_parallel_size)}), so the job moves {@code T x GPUs} tokens per second and one step of
 * {@code global batch x sequence length} tokens takes that many tokens divided by it. {@code memory} is the peak
 * reserved memory of the logging rank since the previous metrics line, in GiB. Validation lines
 * ({@code validate step: ...}) describe no training step and are skipped.
 */
public final class TorchtitanLogParser implements TrainingLogParser {

    private static final long GIB = 1L << 30;
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");
    private static final Pattern METRICS = Pattern.compile(
            "(?<!validate )\\bstep:\\s*(\\d+)\\s+loss:.*?memory:\\s*([0-9.]+)GiB\\([0-9.]+%\\)\\s+tps:\\s*([0-9,]+)\\b");

    private final RunShape shape;
    private final ZoneId zone;

    public TorchtitanLogParser(RunShape shape, ZoneId zone) {
        this.shape = shape;
        this.zone = zone;
    }

    @Override
    public Optional<StepSample> accept(String line) {
        String plain = ANSI.matcher(line).replaceAll("");
        Matcher metrics = METRICS.matcher(plain);
        if (!metrics.find()) {
            return Optional.empty();
        }
        double tokensPerSecond = Long.parseLong(metrics.group(3).replace(",", "")) * (double) shape.gpus();
        if (!(tokensPerSecond > 0)) {
            return Optional.empty();
        }
        long peakBytes = Math.round(Double.parseDouble(metrics.group(2)) * GIB);
        return Optional.of(new StepSample(
                Long.parseLong(metrics.group(1)),
                shape.tokensPerStep() / tokensPerSecond,
                tokensPerSecond,
                peakBytes > 0 ? peakBytes : null,
                LogTimestamps.find(plain, zone)));
    }
}
