package dev.trainingplanner.agent.watch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainingplanner.agent.cli.WatchOptions;
import dev.trainingplanner.agent.upload.PlannerUploader;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The {@code watch} loop: follows the log, turns each step line into a planner measurement of the job's revision, and
 * uploads them in batches ({@code --batch} samples, or whatever is waiting after {@code --flush-s}) through the
 * {@link PlannerUploader}, which spools them while the planner is unreachable and sends the spool first once it is
 * back. Without a planner the samples are printed as JSON lines. With {@code --gpu-memory-interval-s}, nvidia-smi is
 * polled too and each step carries the largest memory of every rank on this node since the step before
 * ({@link GpuMemorySampler}).
 *
 * <p>Only the first line of each step counts: a step not above the highest one taken so far is skipped. That drops the
 * copies every rank prints of the same step (torchtitan without {@code LOG_RANK}) and the steps repeated after a
 * restart from a checkpoint, whose first measurement the planner keeps.
 */
public final class Watcher {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WatchOptions options;
    private final PlannerUploader uploader;
    private final PrintStream out;
    private final Consumer<String> log;
    private final Clock clock;
    private final TrainingLogParser parser;
    private final String path;
    private final GpuMemorySampler gpuMemory;
    private final Map<Integer, Long> gpuMemoryPeaks = new TreeMap<>();
    private ArrayNode pending = JSON.createArrayNode();
    private Instant oldestPending;
    private Long highestStep;
    private boolean rejected;

    /**
     * {@code uploader} is null when the samples are printed to {@code out} instead; {@code gpuMemory} is null when
     * nvidia-smi is not polled.
     */
    public Watcher(
            WatchOptions options,
            PlannerUploader uploader,
            GpuMemorySampler gpuMemory,
            PrintStream out,
            Consumer<String> log,
            Clock clock) {
        this.options = options;
        this.gpuMemory = gpuMemory;
        this.uploader = uploader;
        this.out = out;
        this.log = log;
        this.clock = clock;
        this.parser = options.format().parser(options.shape(), ZoneId.systemDefault());
        this.path = "api/v1/jobs/" + options.job() + "/measurements";
    }

    /** Follows the log until interrupted or, with {@code --stop-after-idle-s}, until it stops growing; true if all kept. */
    public boolean run() throws IOException {
        Instant lastGrowth = clock.instant();
        Instant lastSpoolCheck = clock.instant();
        Instant lastGpuPoll = null;
        try (LogTail tail = new LogTail(options.log())) {
            while (!Thread.currentThread().isInterrupted()) {
                Instant now = clock.instant();
                if (gpuMemory != null
                        && (lastGpuPoll == null || !now.isBefore(lastGpuPoll.plus(options.gpuMemoryInterval())))) {
                    lastGpuPoll = now;
                    Map<Integer, Long> used = gpuMemory.sample();
                    synchronized (this) {
                        used.forEach((rank, bytes) -> gpuMemoryPeaks.merge(rank, bytes, Math::max));
                    }
                }
                var lines = tail.poll();
                if (!lines.isEmpty()) {
                    lastGrowth = now;
                }
                lines.forEach(this::take);
                if (pending.size() >= options.batchSamples()
                        || (oldestPending != null && !now.isBefore(oldestPending.plus(options.flushInterval())))) {
                    flush();
                } else if (uploader != null && !now.isBefore(lastSpoolCheck.plus(options.flushInterval()))) {
                    lastSpoolCheck = now;
                    uploader.sendSpooled();
                }
                if (!options.stopAfterIdle().isZero() && !now.isBefore(lastGrowth.plus(options.stopAfterIdle()))) {
                    break;
                }
                sleep();
            }
        } finally {
            // A stop request interrupts the loop; the last batch still gets its attempts (or the spool).
            boolean interrupted = Thread.interrupted();
            flush();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return !rejected;
    }

    /** Sends (or prints) what is waiting; called at the end and when the agent is stopped. */
    public synchronized void flush() throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        ArrayNode batch = pending;
        pending = JSON.createArrayNode();
        oldestPending = null;
        if (uploader == null) {
            for (var sample : batch) {
                out.println(JSON.writeValueAsString(sample));
            }
            out.flush();
            return;
        }
        PlannerUploader.Outcome outcome = uploader.upload(path, batch);
        log.accept("uploaded " + batch.size() + " step" + (batch.size() == 1 ? "" : "s") + " (up to step "
                + batch.get(batch.size() - 1).get("step").asLong() + "): "
                + outcome.status().name().toLowerCase(Locale.ROOT) + ", " + outcome.detail());
        rejected |= outcome.status() == PlannerUploader.Status.REJECTED;
    }

    private synchronized void take(String line) {
        parser.accept(line).ifPresent(sample -> {
            if (highestStep != null && sample.step() <= highestStep) {
                return;
            }
            highestStep = sample.step();
            pending.add(measurement(sample));
            if (oldestPending == null) {
                oldestPending = clock.instant();
            }
        });
    }

    private ObjectNode measurement(StepSample sample) {
        ObjectNode node = JSON.createObjectNode();
        node.put("planRevision", options.revision());
        node.put("step", sample.step());
        node.put("iterationSeconds", sample.iterationSeconds());
        node.put("tokensPerSecond", sample.tokensPerSecond());
        // The log's own peak for its rank, and the largest nvidia-smi figure of each rank since the previous step.
        Map<Integer, Long> peaks = new TreeMap<>(gpuMemoryPeaks);
        gpuMemoryPeaks.clear();
        if (sample.peakMemoryBytes() != null) {
            peaks.merge(options.logRank(), sample.peakMemoryBytes(), Math::max);
        }
        if (!peaks.isEmpty()) {
            ObjectNode memory = node.putObject("peakMemoryBytesPerRank");
            peaks.forEach((rank, bytes) -> memory.put(Integer.toString(rank), bytes));
        }
        // The line's own time when it has one: when the step ran, not when the agent read it (after a restart, later).
        node.put("timestamp", (sample.loggedAt() == null ? clock.instant() : sample.loggedAt()).toString());
        return node;
    }

    private void sleep() {
        try {
            Thread.sleep(options.pollInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
