package dev.trainingplanner.agent.gpu;

import java.util.Locale;
import java.util.Optional;

/**
 * Maps the model names drivers report to the planner's catalog types. Variants that share a name
 * prefix (A100 40/80 GB, H100 80/96 GB) are told apart by the measured memory where the name does
 * not say it. Anything else is not guessed: the caller keeps the driver's name.
 */
public final class GpuCatalogNames {

    private static final long GIB = 1L << 30;

    private GpuCatalogNames() {}

    public static Optional<String> catalogType(String reportedName, Long memoryBytes) {
        String name = reportedName.toUpperCase(Locale.ROOT);
        if (name.contains("GH200")) {
            // Grace Hopper superchips ship with an H100 96 GB or (later) an H200 144 GB.
            return Optional.of(exceedsGiB(memoryBytes, 120) ? "H200-141GB" : "H100-96GB");
        }
        if (name.contains("H200")) {
            return Optional.of("H200-141GB");
        }
        if (name.contains("B200")) {
            return Optional.of("B200-180GB");
        }
        if (name.contains("MI250X")) {
            return Optional.of("MI250X-GCD");
        }
        if (name.contains("H100")) {
            boolean large = name.contains("96GB") || name.contains("NVL") || exceedsGiB(memoryBytes, 88);
            return Optional.of(large ? "H100-96GB" : "H100-80GB");
        }
        if (name.contains("A100")) {
            if (name.contains("80GB")) {
                return Optional.of("A100-80GB");
            }
            if (name.contains("40GB")) {
                return Optional.of("A100-40GB");
            }
            if (memoryBytes == null) {
                return Optional.empty();
            }
            return Optional.of(exceedsGiB(memoryBytes, 60) ? "A100-80GB" : "A100-40GB");
        }
        if (name.contains("V100") && (name.contains("32GB") || exceedsGiB(memoryBytes, 24))) {
            return Optional.of("V100-32GB");
        }
        return Optional.empty();
    }

    private static boolean exceedsGiB(Long memoryBytes, int gib) {
        return memoryBytes != null && memoryBytes > gib * GIB;
    }
}
