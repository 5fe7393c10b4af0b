package dev.trainingplanner.agent.watch;

import java.time.ZoneId;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DeepSpeed's engine lines ({@code deepspeed/runtime/engine.py} and {@code deepspeed/utils/timer.py},
 * {@code ThroughputTimer.stop}):
 *
 * <ul>
 *   <li>the step line {@code [Rank 0] step=N, skipped=K, lr=[...], mom=[...]}, printed every {@code steps_per_print}
 *       optimizer steps with the engine's step count (which survives a resume from a checkpoint);
 *   <li>the throughput line, since 2023 {@code epoch=E/micro_step=M/global_step=G, RunningAvgSamplesPerSec=...,
 *       CurrSamplesPerSec=S, MemAllocated=...GB, MaxMemAllocated=P GB} and before that
 *       {@code E/M, RunningAvgSamplesPerSec=..., CurrSamplesPerSec=S, ...}.
 * </ul>
 *
 * {@code CurrSamplesPerSec} is the whole job's samples per second over the last optimizer step (the timer's batch size
 * is {@code train_batch_size}), so one step takes {@code global batch / S} seconds and moves
 * {@code S x sequence length} tokens per second. {@code MaxMemAllocated} is {@code torch.cuda.max_memory_allocated()}
 * divided by 1024^3 and rounded to two decimals, so its "GB" are GiB. The step of a throughput line is the engine's
 * step from the latest step line; before any step line, the timer's own {@code global_step}; the older line, which
 * counts micro-steps, is only used after a step line.
 */
public final class DeepSpeedLogParser implements TrainingLogParser {

    private static final long GIB = 1L << 30;
    private static final Pattern STEP = Pattern.compile("\\[Rank \\d+\\] step=(\\d+), skipped=\\d+");
    private static final String RATES = "RunningAvgSamplesPerSec=[^,]+, CurrSamplesPerSec=([0-9.eE+-]+), "
            + "MemAllocated=[0-9.]+GB, MaxMemAllocated=([0-9.]+)GB";
    private static final Pattern THROUGHPUT =
            Pattern.compile("epoch=\\d+/micro_step=\\d+/global_step=(\\d+), " + RATES);
    private static final Pattern OLD_THROUGHPUT = Pattern.compile("\\] \\d+/\\d+, " + RATES);

    private final RunShape shape;
    private final ZoneId zone;
    private Long engineStep;

    public DeepSpeedLogParser(RunShape shape, ZoneId zone) {
        this.shape = shape;
        this.zone = zone;
    }

    @Override
    public Optional<StepSample> accept(String line) {
        Matcher step = STEP.matcher(line);
        if (step.find()) {
            engineStep = Long.parseLong(step.group(1));
            return Optional.empty();
        }
        Matcher throughput = THROUGHPUT.matcher(line);
        if (throughput.find()) {
            long timerStep = Long.parseLong(throughput.group(1));
            return sample(engineStep == null ? timerStep : engineStep, throughput.group(2), throughput.group(3), line);
        }
        Matcher old = OLD_THROUGHPUT.matcher(line);
        if (old.find() && engineStep != null) {
            return sample(engineStep, old.group(1), old.group(2), line);
        }
        return Optional.empty();
    }

    private Optional<StepSample> sample(long step, String samplesPerSecondText, String maxGib, String line) {
        double samplesPerSecond;
        try {
            samplesPerSecond = Double.parseDouble(samplesPerSecondText);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (!(samplesPerSecond > 0) || Double.isInfinite(samplesPerSecond)) {
            return Optional.empty();
        }
        long peakBytes = Math.round(Double.parseDouble(maxGib) * GIB);
        return Optional.of(new StepSample(
                step,
                shape.globalBatchSequences() / samplesPerSecond,
                samplesPerSecond * shape.sequenceLength(),
                peakBytes > 0 ? peakBytes : null,
                LogTimestamps.find(line, zone)));
    }
}
