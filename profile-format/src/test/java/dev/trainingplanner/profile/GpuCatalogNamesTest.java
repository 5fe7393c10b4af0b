package dev.trainingplanner.profile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GpuCatalogNamesTest {

    private static final long MIB = 1L << 20;

    @ParameterizedTest
    @CsvSource({
        "NVIDIA H100 80GB HBM3, 81559, H100-80GB",
        "NVIDIA H100 PCIe, 81559, H100-80GB",
        "NVIDIA H100 NVL, 95830, H100-96GB",
        "NVIDIA GH200 96GB HBM3, 97871, H100-96GB",
        "NVIDIA H200, 143771, H200-141GB",
        "NVIDIA B200, 183359, B200-180GB",
        "NVIDIA GB200, 189471, GB200-186GB",
        "NVIDIA GB300, 284208, GB300-288GB",
        "NVIDIA B300 SXM6 AC, 275040, B300-288GB",
        "NVIDIA H800, 81559, H800-80GB",
        "NVIDIA A100-SXM4-80GB, 81920, A100-80GB",
        "NVIDIA A100-SXM4-40GB, 40960, A100-40GB",
        "NVIDIA A100-PCIE-40GB, 40960, A100-40GB",
        "NVIDIA A100 80GB PCIe, 81920, A100-80GB",
        "Tesla V100-SXM2-32GB, 32768, V100-32GB",
        "AMD Instinct MI250X, 65520, MI250X-GCD"
    })
    void knownModelsMapToCatalogTypes(String reportedName, long memoryMiB, String catalogType) {
        assertThat(GpuCatalogNames.catalogType(reportedName, memoryMiB * MIB)).contains(catalogType);
    }

    @ParameterizedTest
    @CsvSource({"NVIDIA A800-SXM4-80GB, 81920", "Tesla V100-SXM2-16GB, 16384", "NVIDIA L40S, 46068", "Tesla T4, 15360"})
    void otherModelsAreNotGuessed(String reportedName, long memoryMiB) {
        assertThat(GpuCatalogNames.catalogType(reportedName, memoryMiB * MIB)).isEmpty();
    }

    @Test
    void catalogTypesAreRecognisedInAnyCaseAndOthersAreNot() {
        assertThat(GpuCatalogNames.isCatalogType(" h100-80gb ")).isTrue();
        assertThat(GpuCatalogNames.names()).allMatch(GpuCatalogNames::isCatalogType);
        assertThat(GpuCatalogNames.isCatalogType("H100")).isFalse();
        assertThat(GpuCatalogNames.isCatalogType("L40S")).isFalse();
    }
}
