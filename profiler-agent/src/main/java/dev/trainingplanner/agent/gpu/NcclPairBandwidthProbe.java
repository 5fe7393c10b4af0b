package dev.trainingplanner.agent.gpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GPU-pair links from nccl-tests' {@code sendrecv_perf}, run once per GPU pair with
 * {@code CUDA_VISIBLE_DEVICES} limited to the pair. One run covers two message sizes (8 B and
 * 32 MiB, factor 4 Mi): the out-of-place bus bandwidth of the 32 MiB message is the pair's GB/s, as in
 * Pipette's profiler (prior-art.md), and the time of the 8-byte message its latency.
 */
public final class NcclPairBandwidthProbe {

    /** GPU-by-GPU matrices (0 on the diagonal): bus bandwidth in GB/s and small-message time in us. */
    public record PairLinks(List<List<Double>> bandwidthGBps, List<List<Double>> latencyUs) {}

    private static final String SMALL_BYTES = "8";
    private static final String LARGE_BYTES = "33554432";
    private static final String FACTOR = "4194304";
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

    /** Both matrices, or null when any pair could not be measured (the note says which). */
    public PairLinks measure(int gpuCount, List<String> notes) {
        if (gpuCount < 2) {
            return null;
        }
        double[][] bandwidth = new double[gpuCount][gpuCount];
        double[][] latency = new double[gpuCount][gpuCount];
        for (int a = 0; a < gpuCount; a++) {
            for (int b = a + 1; b < gpuCount; b++) {
                String pair = "GPUs " + a + "," + b;
                try {
                    CommandRunner.Result result = runner.run(
                            List.of(executable, "-b", SMALL_BYTES, "-e", LARGE_BYTES, "-f", FACTOR, "-g", "2"),
                            Map.of("CUDA_VISIBLE_DEVICES", a + "," + b),
                            TIMEOUT);
                    if (result.exitCode() != 0) {
                        notes.add("sendrecv_perf exited with " + result.exitCode() + " for " + pair
                                + ": no GPU pair links");
                        return null;
                    }
                    List<NcclTestsOutput.Row> rows =
                            NcclTestsOutput.parse(result.stdout()).rows();
                    Optional<NcclTestsOutput.Row> large =
                            rows.stream().max(Comparator.comparingLong(NcclTestsOutput.Row::sizeBytes));
                    Optional<NcclTestsOutput.Row> small =
                            rows.stream().min(Comparator.comparingLong(NcclTestsOutput.Row::sizeBytes));
                    if (large.isEmpty()
                            || large.get().outOfPlaceBusBandwidthGBps() == null
                            || small.get().outOfPlaceTimeUs() == null
                            || small.get() == large.get()) {
                        notes.add(
                                "sendrecv_perf did not report both message sizes for " + pair + ": no GPU pair links");
                        return null;
                    }
                    bandwidth[a][b] = large.get().outOfPlaceBusBandwidthGBps();
                    bandwidth[b][a] = bandwidth[a][b];
                    latency[a][b] = small.get().outOfPlaceTimeUs();
                    latency[b][a] = latency[a][b];
                } catch (IOException | IllegalArgumentException e) {
                    notes.add("sendrecv_perf failed for " + pair + ": " + e.getMessage());
                    return null;
                }
            }
        }
        return new PairLinks(matrix(bandwidth), matrix(latency));
    }

    private static List<List<Double>> matrix(double[][] values) {
        List<List<Double>> matrix = new ArrayList<>();
        for (double[] row : values) {
            matrix.add(Arrays.stream(row).boxed().toList());
        }
        return matrix;
    }
}
