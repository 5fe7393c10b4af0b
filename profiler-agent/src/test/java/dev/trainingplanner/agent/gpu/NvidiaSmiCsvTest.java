package dev.trainingplanner.agent.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainingplanner.agent.support.Fixtures;
import dev.trainingplanner.profile.ClusterProfile.GpuProfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NvidiaSmiCsvTest {

    private static final long MIB = 1L << 20;

    @Test
    void headerWithUnitsIsReadByFieldNameAndUnknownModelKeepsItsName() {
        List<GpuProfile> gpus = NvidiaSmiProbe.gpusFromCsv(Fixtures.text("nvidia-smi-header-units.real.csv"));

        assertThat(gpus).hasSize(2);
        assertThat(gpus.get(0).type()).isEqualTo("NVIDIA A800-SXM4-80GB");
        assertThat(gpus.get(0).memoryBytes()).isEqualTo(81920 * MIB);
        assertThat(gpus.get(0).memoryUsedBytes()).isNull();
        assertThat(gpus.get(0).peakTflops()).isNull();
        assertThat(gpus).extracting(GpuProfile::index).containsExactly(0, 1);
        assertThat(gpus).extracting(GpuProfile::source).containsOnly("measured");
    }

    @Test
    void noHeaderRowsUseTheQueryFieldsAndMapToTheCatalog() {
        List<String> fields = List.of(
                "index", "uuid", "name", "pci.bus_id", "memory.total", "memory.used", "memory.free", "driver_version");
        List<Map<String, String>> rows =
                NvidiaSmiCsv.parseWithoutHeader(Fixtures.text("nvidia-smi-noheader-nounits.synthetic.csv"), fields);

        GpuProfile second = NvidiaSmiProbe.gpu(rows.get(1), 1);

        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("pci.bus_id")).isEqualTo("00000000:18:00.0");
        assertThat(second.index()).isEqualTo(1);
        assertThat(second.type()).isEqualTo("H100-80GB");
        assertThat(second.memoryBytes()).isEqualTo(81559 * MIB);
        assertThat(second.memoryUsedBytes()).isZero();
    }

    @Test
    void notApplicableValuesAreAbsentNotErrors() {
        List<String> fields =
                List.of("name", "memory.total", "memory.used", "memory.free", "temperature.gpu", "power.draw");
        List<Map<String, String>> rows =
                NvidiaSmiCsv.parseWithoutHeader(Fixtures.text("nvidia-smi-gb10-na.real.csv"), fields);

        GpuProfile gpu = NvidiaSmiProbe.gpu(rows.get(0), 0);

        assertThat(rows.get(0).get("memory.total")).isNull();
        assertThat(NvidiaSmiCsv.number(rows.get(0).get("power.draw"))).isEqualTo(3.74);
        assertThat(gpu.type()).isEqualTo("NVIDIA GB10");
        assertThat(gpu.memoryBytes()).isNull();
        assertThat(gpu.memoryUsedBytes()).isNull();
    }

    @Test
    void rowWithWrongNumberOfValuesIsReported() {
        assertThatThrownBy(() -> NvidiaSmiCsv.parseWithoutHeader("NVIDIA H100, 81559", List.of("name")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 values but 1 fields");
    }
}
