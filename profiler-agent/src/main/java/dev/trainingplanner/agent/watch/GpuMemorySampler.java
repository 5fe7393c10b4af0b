package dev.trainingplanner.agent.watch;

import dev.trainingplanner.agent.gpu.CommandRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * GPU memory of the job's ranks on this node, as the driver sees it: {@code nvidia-smi
 * --query-compute-apps=pid,used_memory --format=csv,noheader,nounits} gives each process's memory, and a process's rank
 * is the {@code RANK} variable torchrun (and the launchers that follow its convention) sets in its environment
 * ({@code /proc/PID/environ}, readable by the same user or root). Processes without {@code RANK} are not training ranks
 * and are left out. The driver's figure includes the CUDA context and the allocator's cache, so it is at least the
 * framework's reserved memory; a poll can miss a short peak between two polls.
 */
public final class GpuMemorySampler {

    static final List<String> QUERY = List.of("--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits");

    private final CommandRunner runner;
    private final String nvidiaSmi;
    private final Path procRoot;
    private final Consumer<String> log;
    private boolean reportedFailure;

    public GpuMemorySampler(CommandRunner runner, String nvidiaSmi, Path procRoot, Consumer<String> log) {
        this.runner = runner;
        this.nvidiaSmi = nvidiaSmi;
        this.procRoot = procRoot;
        this.log = log;
    }

    /** Used bytes by rank; empty when nvidia-smi cannot be run (said once in the log). */
    public Map<Integer, Long> sample() {
        Map<Integer, Long> byRank = new TreeMap<>();
        CommandRunner.Result result;
        try {
            result = runner.run(
                    Stream.concat(Stream.of(nvidiaSmi), QUERY.stream()).toList(), Map.of(), Duration.ofSeconds(30));
        } catch (IOException e) {
            return failed(e.getMessage());
        }
        if (result.exitCode() != 0) {
            return failed(nvidiaSmi + " exited with " + result.exitCode() + ": "
                    + result.stderr().strip());
        }
        NvidiaSmiComputeApps.usedBytesByPid(result.stdout())
                .forEach((pid, bytes) -> rank(pid).ifPresent(rank -> byRank.merge(rank, bytes, Math::max)));
        return byRank;
    }

    /** The {@code RANK} in the process's environment, if it has one and it can be read. */
    OptionalInt rank(long pid) {
        try {
            byte[] environ =
                    Files.readAllBytes(procRoot.resolve(Long.toString(pid)).resolve("environ"));
            for (String variable : new String(environ, StandardCharsets.UTF_8).split("\0")) {
                if (variable.startsWith("RANK=") && variable.substring(5).matches("\\d{1,9}")) {
                    return OptionalInt.of(Integer.parseInt(variable.substring(5)));
                }
            }
        } catch (IOException gone) {
            // The process ended, or belongs to another user: not one of ours to report.
        }
        return OptionalInt.empty();
    }

    private Map<Integer, Long> failed(String why) {
        if (!reportedFailure) {
            reportedFailure = true;
            log.accept("GPU memory not sampled: " + why);
        }
        return Map.of();
    }
}
