package dev.trainingplanner.agent.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainingplanner.profile.ClusterProfile.GpuProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeclaredGpusFileTest {

    @Test
    void declaredGpusAreMarkedDeclared(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gpus.txt");
        Files.writeString(file, "# two GPUs of this host\n0 H100-80GB\n1 L40S memoryGiB=45 peakTflops=362  # custom\n");

        List<GpuProfile> gpus = new DeclaredGpusFile(file).probe().gpus();

        assertThat(gpus)
                .containsExactly(
                        new GpuProfile(0, "H100-80GB", null, null, null, null, "declared"),
                        new GpuProfile(1, "L40S", 45L << 30, null, null, 362.0, "declared"));
    }

    @Test
    void aFileMayDeclareTheNodesNvlinkDomain(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gpus.txt");
        Files.writeString(file, "# tray 3 of rack 7\nnvlinkDomain=rack-7  # NVL72\n0 B200-180GB\n1 B200-180GB\n");

        GpuInventory inventory = new DeclaredGpusFile(file).probe();

        assertThat(inventory.declaredNvlinkDomain()).isEqualTo("rack-7");
        assertThat(inventory.gpus()).extracting(GpuProfile::index).containsExactly(0, 1);
        assertThat(DeclaredGpusFile.parse("0 H100-80GB\n", "gpus.txt").nvlinkDomain())
                .isNull();
    }

    @Test
    void aBadOrRepeatedNvlinkDomainIsReportedWithItsLine() {
        assertThatThrownBy(() -> DeclaredGpusFile.parse("nvlinkDomain=a\nnvlinkDomain=b\n", "gpus.txt"))
                .hasMessage("gpus.txt line 2: nvlinkDomain is declared twice");
        assertThatThrownBy(() -> DeclaredGpusFile.parse("0 H100-80GB\nnvlinkDomain=rack 7\n", "gpus.txt"))
                .hasMessageStartingWith("gpus.txt line 2: nvlinkDomain 'rack 7' is not an NVLink domain id");
        assertThatThrownBy(() -> DeclaredGpusFile.parse("nvlinkDomain=\n", "gpus.txt"))
                .hasMessageStartingWith("gpus.txt line 1: nvlinkDomain '' is not an NVLink domain id");
    }

    @Test
    void badLinesAreReportedWithTheirLineNumber() {
        assertThatThrownBy(() -> DeclaredGpusFile.parse("0 H100-80GB\nx H100-80GB\n", "gpus.txt"))
                .hasMessage("gpus.txt line 2: GPU index 'x' is not a number");
        assertThatThrownBy(() -> DeclaredGpusFile.parse("0 H100-80GB\n0 H100-80GB\n", "gpus.txt"))
                .hasMessageContaining("line 2: GPU index 0 is negative or repeated");
        assertThatThrownBy(() -> DeclaredGpusFile.parse("0 X memoryGiB=-1\n", "gpus.txt"))
                .hasMessageContaining("'memoryGiB=-1' needs a positive number");
        assertThatThrownBy(() -> DeclaredGpusFile.parse("0 X speed=2\n", "gpus.txt"))
                .hasMessageContaining("unknown attribute 'speed'");
        assertThatThrownBy(() -> DeclaredGpusFile.parse("H100-80GB\n", "gpus.txt"))
                .hasMessageContaining("expected 'INDEX TYPE");
    }

    @Test
    void missingFileIsReported(@TempDir Path dir) {
        assertThatThrownBy(() -> new DeclaredGpusFile(dir.resolve("absent.txt")).probe())
                .hasMessageContaining("cannot read --gpus-file");
    }
}
