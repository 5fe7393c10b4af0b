package dev.trainingplanner.agent.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.agent.gpu.NvidiaSmiFabric.Reading;
import dev.trainingplanner.agent.support.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The NVLink domain from the Fabric sections of {@code nvidia-smi -q} (fixtures: see their README). */
class NvidiaSmiFabricTest {

    private static final String GB200_DOMAIN = "dc6e40c4-d722-4357-9ba6-5291dd461278.2";

    @Test
    void aGb200TrayWhoseGpusShareOneCliqueIsInThatDomain() {
        Reading reading = NvidiaSmiFabric.parse(Fixtures.text("nvidia-smi-q-gb200-tray.synthetic.txt"));

        assertThat(reading.nvlinkDomain()).isEqualTo(GB200_DOMAIN);
        assertThat(reading.reason()).contains("of 4 GPU(s)");
    }

    @Test
    void anH100NodeWithoutAFabricHasNoDomain() {
        Reading reading = NvidiaSmiFabric.parse(Fixtures.text("nvidia-smi-q-h100-fabric-na.synthetic.txt"));

        assertThat(reading.domain()).isEmpty();
        assertThat(reading.reason()).isEqualTo("GPU 00000000:18:00.0: fabric State is 'N/A', not Completed");
    }

    @Test
    void aFabricStillRegisteringGivesNoDomain() {
        Reading reading = NvidiaSmiFabric.parse(Fixtures.text("nvidia-smi-q-gb200-in-progress.synthetic.txt"));

        assertThat(reading.domain()).isEmpty();
        assertThat(reading.reason()).isEqualTo("GPU 00000008:01:00.0: fabric State is 'In Progress', not Completed");
    }

    @Test
    void aCompletedRegistrationWithoutSuccessGivesNoDomain() {
        Reading reading =
                NvidiaSmiFabric.parse(Fixtures.text("nvidia-smi-q-fabric-insufficient-resources.synthetic.txt"));

        assertThat(reading.domain()).isEmpty();
        assertThat(reading.reason()).contains("fabric Status is 'Insufficient Resources', not Success");
    }

    @Test
    void aZeroClusterUuidNamesNoFabric() {
        String zero = Fixtures.text("nvidia-smi-q-gb200-tray.synthetic.txt")
                .replace("dc6e40c4-d722-4357-9ba6-5291dd461278", "00000000-0000-0000-0000-000000000000");

        assertThat(NvidiaSmiFabric.parse(zero).reason())
                .isEqualTo("GPU 00000008:01:00.0: fabric ClusterUUID '00000000-0000-0000-0000-000000000000' names no"
                        + " fabric");
    }

    @Test
    void gpusOfDifferentCliquesOrWithoutAFabricSectionGiveNoDomain() {
        String tray = Fixtures.text("nvidia-smi-q-gb200-tray.synthetic.txt");
        String split = tray.substring(0, tray.lastIndexOf("CliqueId"))
                + tray.substring(tray.lastIndexOf("CliqueId")).replaceFirst(": 2", ": 3");
        String withoutFabric = tray.replaceFirst("(?s)    Fabric\\n.*?\\n\\n", "\n");

        assertThat(NvidiaSmiFabric.parse(split).reason())
                .isEqualTo("the GPUs of this node report different fabrics: " + GB200_DOMAIN + ", "
                        + GB200_DOMAIN.replace(".2", ".3"));
        assertThat(NvidiaSmiFabric.parse(withoutFabric).reason())
                .isEqualTo("GPU 00000008:01:00.0 has no Fabric section in nvidia-smi -q");
        assertThat(NvidiaSmiFabric.parse("").reason()).isEqualTo("nvidia-smi -q lists no GPU");
    }

    @Test
    void healthKeysDoNotOverrideTheFabricsOwn() {
        String nestedState = Fixtures.text("nvidia-smi-q-gb200-tray.synthetic.txt")
                .replace(
                        "            Bandwidth                     : Full",
                        "            Bandwidth                     : Full\n"
                                + "            State                         : Degraded");

        assertThat(NvidiaSmiFabric.parse(nestedState).nvlinkDomain()).isEqualTo(GB200_DOMAIN);
    }

    @Test
    void theToolIsRunAsNvidiaSmiQ(@TempDir Path dir) throws Exception {
        Path output = dir.resolve("q.txt");
        Files.writeString(output, Fixtures.text("nvidia-smi-q-gb200-tray.synthetic.txt"));
        Path tool = dir.resolve("nvidia-smi");
        Files.writeString(tool, "#!/bin/sh\n[ \"$*\" = -q ] || exit 5\ncat " + output + "\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThat(NvidiaSmiFabric.read(new CommandRunner(), tool.toString()).nvlinkDomain())
                .isEqualTo(GB200_DOMAIN);
        assertThat(NvidiaSmiFabric.read(
                                new CommandRunner(), dir.resolve("absent").toString())
                        .reason())
                .startsWith("nvidia-smi not found");
    }

    @Test
    void theFabricWinsAndTheGpusFileIsTheFallback() {
        Reading fabric = new Reading(GB200_DOMAIN, "from nvidia-smi -q");
        Reading none = new Reading(null, "GPU 0: fabric State is 'N/A', not Completed");
        List<String> notes = new ArrayList<>();

        assertThat(NvidiaSmiFabric.choose(fabric, "rack-7", notes)).isEqualTo(GB200_DOMAIN);
        assertThat(notes).last().asString().contains("--gpus-file's nvlinkDomain rack-7 is not used");
        assertThat(NvidiaSmiFabric.choose(none, "rack-7", notes)).isEqualTo("rack-7");
        assertThat(notes).last().asString().isEqualTo("nvlinkDomain rack-7 from --gpus-file (" + none.reason() + ")");
        assertThat(NvidiaSmiFabric.choose(none, null, notes)).isNull();
        assertThat(notes).last().asString().isEqualTo("no nvlinkDomain: " + none.reason());
    }
}
