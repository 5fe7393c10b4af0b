package dev.trainingplanner.costmodel.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.training.Precision;
import org.junit.jupiter.api.Test;

class GpuCatalogTest {

    @Test
    void blackwellTypesCarryDenseDatasheetPeaksPerFormat() {
        GpuType gb200 = GpuCatalog.byName("GB200-186GB");
        assertThat(gb200.peakFlopsPerSecond(Precision.BF16)).isEqualTo(2500e12);
        assertThat(gb200.peakFlopsPerSecond(Precision.FP8)).isEqualTo(5000e12);
        assertThat(gb200.peakFlopsPerSecond(Precision.MXFP8)).isEqualTo(5000e12);
        assertThat(gb200.peakFlopsPerSecond(Precision.NVFP4)).isEqualTo(10000e12);
        assertThat(gb200.defaultGpusPerNode()).isEqualTo(4);
        assertThat(gb200.memoryBytes()).isEqualTo(186_000_000_000L);

        GpuType gb300 = GpuCatalog.byName("gb300-288gb");
        assertThat(gb300.peakFlopsPerSecond(Precision.NVFP4)).isEqualTo(15000e12);
        assertThat(gb300.memoryBytes()).isEqualTo(288_000_000_000L);
        assertThat(GpuCatalog.byName("B300-288GB").peakFlopsPerSecond(Precision.NVFP4))
                .isEqualTo(13500e12);
        assertThat(GpuCatalog.byName("B200-180GB").peakFlopsPerSecond(Precision.NVFP4))
                .isEqualTo(9000e12);
        for (String name : new String[] {"B200-180GB", "B300-288GB", "GB200-186GB", "GB300-288GB"}) {
            // NVLink 5: 1.8 TB/s bidirectional per GPU.
            assertThat(GpuCatalog.byName(name).intraNodeBandwidthBytesPerSecond())
                    .isEqualTo(900e9);
        }
    }

    @Test
    void h800IsAnH100WithNarrowerNvlinkAndNoBlockScaledFormats() {
        GpuType h800 = GpuCatalog.byName("H800-80GB");
        GpuType h100 = GpuCatalog.byName("H100-80GB");
        assertThat(h800.peakFlopsPerSecond(Precision.FP8)).isEqualTo(h100.peakFlopsPerSecond(Precision.FP8));
        assertThat(h800.memoryBytes()).isEqualTo(h100.memoryBytes());
        assertThat(h800.intraNodeBandwidthBytesPerSecond()).isEqualTo(200e9);
        assertThat(h800.supports(Precision.MXFP8)).isFalse();
        assertThatThrownBy(() -> h800.peakFlopsPerSecond(Precision.NVFP4))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("GPU H800-80GB does not support nvfp4; use fp16, bf16, fp8");
    }

    @Test
    void theCatalogListsTheNewTypesBesideB200() {
        assertThat(GpuCatalog.names()).contains("H800-80GB", "B200-180GB", "B300-288GB", "GB200-186GB", "GB300-288GB");
    }
}
