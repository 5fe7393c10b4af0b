package dev.trainingplanner.agent.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.agent.support.Fixtures;
import dev.trainingplanner.profile.ClusterProfile.GpuProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvidiaSmiProbeTest {

    @Test
    void missingNvidiaSmiMeansNoGpusAndNothingInvented(@TempDir Path dir) {
        GpuInventory inventory = new NvidiaSmiProbe(
                        new CommandRunner(), dir.resolve("nvidia-smi").toString(), null)
                .probe();

        assertThat(inventory.gpus()).isEmpty();
        assertThat(inventory.intraNode()).isNull();
        assertThat(inventory.notes()).singleElement().asString().contains("nvidia-smi not found");
    }

    @Test
    void failingNvidiaSmiMeansNoGpus(@TempDir Path dir) throws Exception {
        Path tool =
                script(dir, "echo 'NVIDIA-SMI has failed because it could not communicate with the driver'\nexit 9\n");

        GpuInventory inventory = new NvidiaSmiProbe(new CommandRunner(), tool.toString(), null).probe();

        assertThat(inventory.gpus()).isEmpty();
        assertThat(inventory.notes()).singleElement().asString().contains("exited with 9", "could not communicate");
    }

    @Test
    void unreadableOutputMeansNoGpus(@TempDir Path dir) throws Exception {
        Path tool = script(dir, "echo 'index, name, memory.total [MiB], memory.used [MiB]'\necho '0, H100'\n");

        GpuInventory inventory = new NvidiaSmiProbe(new CommandRunner(), tool.toString(), null).probe();

        assertThat(inventory.gpus()).isEmpty();
        assertThat(inventory.notes()).singleElement().asString().contains("nvidia-smi output unreadable");
    }

    /**
     * A stand-in executable replays recorded output (the machine has no GPU), so the real command
     * lines, the CSV query and the topology call are exercised end to end.
     */
    @Test
    void inventoryAndTopologyComeFromTheTool(@TempDir Path dir) throws Exception {
        Path topology = dir.resolve("topo.txt");
        Files.writeString(topology, Fixtures.text("topo-m-2gpu-tabs.synthetic.txt"));
        Path tool = script(
                dir,
                "if [ \"$1\" = topo ] && [ \"$2\" = -m ]; then cat " + topology + "; exit 0; fi\n"
                        + "[ \"$1\" = --query-gpu=" + NvidiaSmiProbe.QUERY
                        + " ] && [ \"$2\" = --format=csv,nounits ] || exit 7\n"
                        + "echo 'index, name, memory.total [MiB], memory.used [MiB]'\n"
                        + "echo '0, NVIDIA H100 80GB HBM3, 81559, 512'\n"
                        + "echo '1, NVIDIA H100 80GB HBM3, 81559, [N/A]'\n");

        GpuInventory inventory = new NvidiaSmiProbe(new CommandRunner(), tool.toString(), null).probe();

        assertThat(inventory.notes()).isEmpty();
        assertThat(inventory.gpus())
                .containsExactly(
                        new GpuProfile(0, "H100-80GB", 81559L << 20, 512L << 20, null, null, "measured"),
                        new GpuProfile(1, "H100-80GB", 81559L << 20, null, null, null, "measured"));
        assertThat(inventory.intraNode().topology()).isEqualTo(List.of(List.of("X", "NV18"), List.of("NV18", "X")));
        assertThat(inventory.intraNode().bandwidthGBps()).isNull();
    }

    @Test
    void ncclPairProbeIsAbsentWhereTheBinaryIsNotInstalled(@TempDir Path dir) {
        assertThat(NcclPairBandwidthProbe.find(new CommandRunner(), dir)).isEmpty();
    }

    @Test
    void ncclPairProbeReadsBandwidthAndLatencyOfEveryPair(@TempDir Path dir) throws Exception {
        Path output = dir.resolve("sendrecv.txt");
        Files.writeString(output, Fixtures.text("sendrecv-perf-two-sizes.synthetic.txt"));
        Path binDir = Files.createDirectory(dir.resolve("bin"));
        Path tool = binDir.resolve("sendrecv_perf");
        Files.writeString(
                tool,
                "#!/bin/sh\n[ \"$CUDA_VISIBLE_DEVICES\" = 0,1 ] || exit 3\n"
                        + "[ \"$*\" = '-b 8 -e 33554432 -f 4194304 -g 2' ] || exit 4\ncat " + output + "\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));

        NcclPairBandwidthProbe probe =
                NcclPairBandwidthProbe.find(new CommandRunner(), binDir).orElseThrow();
        List<String> notes = new java.util.ArrayList<>();
        NcclPairBandwidthProbe.PairLinks links = probe.measure(2, notes);

        assertThat(links.bandwidthGBps()).isEqualTo(List.of(List.of(0.0, 356.58), List.of(356.58, 0.0)));
        assertThat(links.latencyUs()).isEqualTo(List.of(List.of(0.0, 11.52), List.of(11.52, 0.0)));
        assertThat(probe.measure(3, notes)).isNull();
        assertThat(notes).singleElement().asString().contains("exited with 3 for GPUs 0,2");
    }

    @Test
    void ncclOutputWithOneSizeOnlyGivesNoPairLinks(@TempDir Path dir) throws Exception {
        Path output = dir.resolve("sendrecv.txt");
        Files.writeString(output, Fixtures.text("sendrecv-perf-old-columns.synthetic.txt"));
        Path tool = dir.resolve("sendrecv_perf");
        Files.writeString(tool, "#!/bin/sh\ncat " + output + "\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> notes = new java.util.ArrayList<>();

        assertThat(NcclPairBandwidthProbe.find(new CommandRunner(), dir)
                        .orElseThrow()
                        .measure(2, notes))
                .isNull();
        assertThat(notes).singleElement().asString().contains("did not report both message sizes");
    }

    private static Path script(Path dir, String body) throws Exception {
        Path tool = dir.resolve("nvidia-smi");
        Files.writeString(tool, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        return tool;
    }
}
