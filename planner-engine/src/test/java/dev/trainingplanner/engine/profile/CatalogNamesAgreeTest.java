package dev.trainingplanner.engine.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import dev.trainingplanner.profile.GpuCatalogNames;
import org.junit.jupiter.api.Test;

/**
 * The profile format names the catalog's GPU types without depending on the cost model (the agent ships without it):
 * the two lists must stay the same, or the agent would write types the planner does not know.
 */
class CatalogNamesAgreeTest {

    @Test
    void profileFormatNamesAreTheCatalogsTypes() {
        assertThat(GpuCatalogNames.names()).containsExactlyElementsOf(GpuCatalog.names());
    }
}
