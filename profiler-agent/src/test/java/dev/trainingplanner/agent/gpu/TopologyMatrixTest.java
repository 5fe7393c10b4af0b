package dev.trainingplanner.agent.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainingplanner.agent.support.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopologyMatrixTest {

    @Test
    void tabSeparatedOutputGivesTheGpuMatrixAndIgnoresNicsAffinityAndLegend() {
        TopologyMatrix topology = TopologyMatrix.parse(Fixtures.text("topo-m-2gpu-tabs.synthetic.txt"));

        assertThat(topology.gpuMatrix(2)).contains(List.of(List.of("X", "NV18"), List.of("NV18", "X")));
        assertThat(topology.gpuMatrix(3)).isEmpty();
    }

    @Test
    void realOutputWithTabsTurnedIntoSpacesKeepsTheLeadingGpuColumns() {
        TopologyMatrix topology = TopologyMatrix.parse(Fixtures.text("topo-m-8gpu-truncated.real.txt"));

        assertThat(topology.cell(0, 0)).contains("X");
        assertThat(topology.cell(0, 1)).contains("NV8");
        assertThat(topology.cell(4, 0)).contains("NV8");
        assertThat(topology.cell(4, 1)).contains("NV8");
        assertThat(topology.cell(1, 0)).isEmpty();
        assertThat(topology.gpuMatrix(2)).isEmpty();
    }

    @Test
    void outputWithoutGpuHeaderIsRejected() {
        assertThatThrownBy(() -> TopologyMatrix.parse("No devices were found\n"))
                .hasMessageContaining("no header row naming GPU columns");
    }
}
