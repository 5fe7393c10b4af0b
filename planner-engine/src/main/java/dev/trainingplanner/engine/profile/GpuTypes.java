package dev.trainingplanner.engine.profile;

import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import java.util.List;
import java.util.Locale;

/** Catalog membership of the GPU type names used in profiles. */
final class GpuTypes {

    private GpuTypes() {}

    static boolean isCatalogType(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return GpuCatalog.names().stream()
                .anyMatch(n -> n.toLowerCase(Locale.ROOT).equals(wanted));
    }

    static List<String> catalogNames() {
        return GpuCatalog.names();
    }
}
