package dev.trainingplanner.agent.gpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GPU-pair bandwidth from nccl-tests' {@code sendrecv_perf}, run once per GPU pair with
 * {@code CUDA_VISIBLE_DEVICES} limited to the pair and one 32 MiB message, as Pipette's profiler does
 * (prior-art.md). The out-of-place bus bandwidth of the largest message is the pair's GB/s.
 */
public final class NcclPairBandwidthProbe {

    private static final String MESSAGE_BYTES = "33554432";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final CommandRunner runner;
    private final String executable;

    public NcclPairBandwidthProbe(CommandRunner runner, String executable) {
        this.runner = runner;
        this.executable = executable;
    }

    /** Finds {@code sendrecv_perf} in the given directory or on the PATH; empty when it is not installed. */
    public static Optional<NcclPairBandwidthProbe> find(CommandRunner runner, Path directory) {
        List<Path> candidates = new ArrayList<>();
        if (directory != null) {
            candidates.add(directory.resolve("sendrecv_perf"));
        } else {
            String path = System.getenv().getOrDefault("PATH", "");
            for (String entry : path.split(java.io.File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    candidates.add(Path.of(entry, "sendrecv_perf"));
                }
            }
        }
        return candidates.stream()
                .filter(Files::isExecutable)
                .findFirst()
                .map(found -> new NcclPairBandwidthProbe(runner, found.toString()));
    }

    /** GB/s matrix (0 on the diagonal) or null when any pair could not be measured. */
    public List<List<Double>> measure(int gpuCount, List<String> notes) {
        if (gpuCount < 2) {
            return null;
        }
        double[][] bandwidth = new double[gpuCount][gpuCount];
        for (int a = 0; a < gpuCount; a++) {
            for (int b = a + 1; b < gpuCount; b++) {
                try {
                    CommandRunner.Result result = runner.run(
                            List.of(executable, "-b", MESSAGE_BYTES, "-e", MESSAGE_BYTES, "-g", "2"),
                            Map.of("CUDA_VISIBLE_DEVICES", a + "," + b),
                            TIMEOUT);
                    Optional<Double> busBandwidth = result.exitCode() != 0
                            ? Optional.empty()
                            : NcclTestsOutput.parse(result.stdout())
                                    .largestMessage()
                                    .map(NcclTestsOutput.Row::outOfPlaceBusBandwidthGBps);
                    if (busBandwidth.isEmpty()) {
                        notes.add("sendrecv_perf gave no bandwidth for GPUs " + a + "," + b + ": no pair bandwidth");
                        return null;
                    }
                    bandwidth[a][b] = busBandwidth.get();
                    bandwidth[b][a] = busBandwidth.get();
                } catch (IOException | IllegalArgumentException e) {
                    notes.add("sendrecv_perf failed for GPUs " + a + "," + b + ": " + e.getMessage());
                    return null;
                }
            }
        }
        List<List<Double>> matrix = new ArrayList<>();
        for (double[] row : bandwidth) {
            matrix.add(java.util.Arrays.stream(row).boxed().toList());
        }
        return matrix;
    }
}
