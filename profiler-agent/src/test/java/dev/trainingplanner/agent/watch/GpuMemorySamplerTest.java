package dev.trainingplanner.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.agent.gpu.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sampler against real processes: a child started with {@code RANK=5} in its environment stands for a training
 * rank, this test's JVM (no {@code RANK}) for another GPU process; a stand-in nvidia-smi prints their memory in the
 * {@code noheader,nounits} layout, only when asked with the documented query.
 */
public class GpuMemorySamplerTest {

    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    private final List<String> log = new ArrayList<>();
    private Process rank;

    @AfterEach
    void stopRank() {
        if (rank != null) {
            rank.destroyForcibly();
        }
    }

    public static Path standIn(Path dir, long rankPid) throws Exception {
        Path script = dir.resolve("nvidia-smi");
        Files.writeString(
                script,
                "#!/bin/sh\n"
                        + "[ \"$1\" = \"--query-compute-apps=pid,used_memory\" ] && [ \"$2\" = \"--format=csv,noheader,nounits\" ]"
                        + " || exit 2\n"
                        + "printf '%s, 2539\\n%s, 25\\n' " + rankPid + " "
                        + ProcessHandle.current().pid() + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    public static Process rankProcess(int rank) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sleep", "60");
        builder.environment().put("RANK", Integer.toString(rank));
        return builder.start();
    }

    @Test
    void reportsTheMemoryOfProcessesThatCarryARank() throws Exception {
        rank = rankProcess(5);
        GpuMemorySampler sampler = new GpuMemorySampler(
                new CommandRunner(), standIn(dir, rank.pid()).toString(), Path.of("/proc"), log::add);

        assertThat(sampler.sample()).containsExactly(Map.entry(5, 2539 * MIB));
        assertThat(log).isEmpty();
    }

    @Test
    void aMissingNvidiaSmiIsSaidOnceAndYieldsNothing() {
        GpuMemorySampler sampler =
                new GpuMemorySampler(new CommandRunner(), dir.resolve("absent").toString(), Path.of("/proc"), log::add);

        assertThat(sampler.sample()).isEmpty();
        assertThat(sampler.sample()).isEmpty();
        assertThat(log).singleElement().asString().startsWith("GPU memory not sampled: ");
    }
}
