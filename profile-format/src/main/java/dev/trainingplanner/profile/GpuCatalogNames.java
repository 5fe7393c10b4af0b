package dev.trainingplanner.profile;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The GPU type names of the planner's catalog (cost-models {@code GpuCatalog}, cost-models.md §10) as profiles spell
 * them, and the mapping from the model names drivers report to them. planner-engine's {@code CatalogNamesAgreeTest}
 * checks that these names are exactly the catalog's, so the agent, which does not ship the cost model, writes only
 * types the planner knows.
 */
public final class GpuCatalogNames {

    public static final String V100_16GB = "V100-16GB";
    public static final String V100_32GB = "V100-32GB";
    public static final String A100_40GB = "A100-40GB";
    public static final String A100_80GB = "A100-80GB";
    public static final String H100_80GB = "H100-80GB";
    public static final String H100_96GB = "H100-96GB";
    public static final String H200_141GB = "H200-141GB";
    public static final String H800_80GB = "H800-80GB";
    public static final String B200_180GB = "B200-180GB";
    public static final String B300_288GB = "B300-288GB";
    public static final String GB200_186GB = "GB200-186GB";
    public static final String GB300_288GB = "GB300-288GB";
    public static final String MI250X_GCD = "MI250X-GCD";

    private static final List<String> NAMES = List.of(
            V100_16GB,
            V100_32GB,
            A100_40GB,
            A100_80GB,
            H100_80GB,
            H100_96GB,
            H200_141GB,
            H800_80GB,
            B200_180GB,
            B300_288GB,
            GB200_186GB,
            GB300_288GB,
            MI250X_GCD);

    private static final long GIB = 1L << 30;

    private GpuCatalogNames() {}

    /** The catalog's type names, in the catalog's order. */
    public static List<String> names() {
        return NAMES;
    }

    /** Whether {@code name} is a catalog type; case and surrounding blanks do not matter. */
    public static boolean isCatalogType(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return NAMES.stream().anyMatch(n -> n.toLowerCase(Locale.ROOT).equals(wanted));
    }

    /**
     * The catalog type of a GPU a driver reports as {@code reportedName}. Variants that share a name prefix (A100 40/80
     * GB, H100 80/96 GB) are told apart by the measured memory where the name does not say it. Anything else is not
     * guessed: empty, and the caller keeps the driver's name.
     */
    public static Optional<String> catalogType(String reportedName, Long memoryBytes) {
        String name = reportedName.toUpperCase(Locale.ROOT);
        if (name.contains("GH200")) {
            // Grace Hopper superchips ship with an H100 96 GB or (later) an H200 144 GB.
            return Optional.of(exceedsGiB(memoryBytes, 120) ? H200_141GB : H100_96GB);
        }
        if (name.contains("H200")) {
            return Optional.of(H200_141GB);
        }
        // Grace Blackwell names contain the Blackwell ones ("GB200" contains "B200"): test them first.
        if (name.contains("GB300")) {
            return Optional.of(GB300_288GB);
        }
        if (name.contains("GB200")) {
            return Optional.of(GB200_186GB);
        }
        if (name.contains("B300")) {
            return Optional.of(B300_288GB);
        }
        if (name.contains("B200")) {
            return Optional.of(B200_180GB);
        }
        if (name.contains("H800")) {
            return Optional.of(H800_80GB);
        }
        if (name.contains("MI250X")) {
            return Optional.of(MI250X_GCD);
        }
        if (name.contains("H100")) {
            boolean large = name.contains("96GB") || name.contains("NVL") || exceedsGiB(memoryBytes, 88);
            return Optional.of(large ? H100_96GB : H100_80GB);
        }
        if (name.contains("A100")) {
            if (name.contains("80GB")) {
                return Optional.of(A100_80GB);
            }
            if (name.contains("40GB")) {
                return Optional.of(A100_40GB);
            }
            if (memoryBytes == null) {
                return Optional.empty();
            }
            return Optional.of(exceedsGiB(memoryBytes, 60) ? A100_80GB : A100_40GB);
        }
        if (name.contains("V100") && (name.contains("32GB") || exceedsGiB(memoryBytes, 24))) {
            return Optional.of(V100_32GB);
        }
        return Optional.empty();
    }

    private static boolean exceedsGiB(Long memoryBytes, int gib) {
        return memoryBytes != null && memoryBytes > gib * GIB;
    }
}
