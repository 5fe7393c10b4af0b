package dev.trainingplanner.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.agent.support.Fixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NvidiaSmiComputeAppsTest {

    private static final long MIB = 1L << 20;

    @Test
    void csvWithHeaderAndUnits() {
        String output = String.join("\n", Fixtures.citedLines("nvidia-smi-compute-apps-header-units.real.csv"));

        assertThat(NvidiaSmiComputeApps.usedBytesByPid(output))
                .containsExactly(
                        Map.entry(12201L, 25 * MIB), Map.entry(11509L, 2539 * MIB), Map.entry(14466L, 3713 * MIB));
    }

    @Test
    void noheaderNounitsIsTheSameRowsBare() {
        // --format=csv,noheader,nounits drops the header line and the " MiB" of each value (nvidia-smi
        // --help-query-compute-apps).
        String output = String.join("\n", Fixtures.citedLines("nvidia-smi-compute-apps-header-units.real.csv"))
                .replace(" MiB", "")
                .lines()
                .skip(1)
                .reduce("", (a, b) -> a + b + "\n");

        assertThat(NvidiaSmiComputeApps.usedBytesByPid(output)).hasSize(3).containsEntry(14466L, 3713 * MIB);
    }

    @Test
    void unattributedMemoryAndOtherGpusContextsAreHandled() {
        // Rows as public reports show them: [N/A] under Windows WDDM, and one process holding a context on two GPUs.
        assertThat(NvidiaSmiComputeApps.usedBytesByPid("1584, [N/A]\n7500, [N/A]\n"))
                .isEmpty();
        assertThat(NvidiaSmiComputeApps.usedBytesByPid("1912379, 518\n3891903, 74698\n1912379, 518\n"))
                .containsEntry(1912379L, 518 * MIB)
                .containsEntry(3891903L, 74698 * MIB);
        assertThat(NvidiaSmiComputeApps.usedBytesByPid("pid, used_gpu_memory [MiB]\n"))
                .isEmpty();
    }
}
