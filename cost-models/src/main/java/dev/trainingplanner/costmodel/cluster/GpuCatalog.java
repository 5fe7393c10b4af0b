package dev.trainingplanner.costmodel.cluster;

import dev.trainingplanner.costmodel.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The GPU catalog of cost-models.md §10. Memory is {@code nvidia-smi} memory.total (MiB × 2²⁰) where the document
 * gives it; NVLink figures are halved to per-direction; node NICs are those of the vendor's reference system (DGX).
 * Entries the document marks "verify" are noted in the module README.
 *
 * <p>SM counts (last argument) are those of NVIDIA's architecture whitepapers and datasheets: V100 SXM2 80 (Volta
 * whitepaper), A100 SXM 108 (Ampere whitepaper), H100 SXM5 132 (Hopper whitepaper; the PCIe card has 114), H200 132
 * (same GH100 configuration as H100 SXM), B200 148 (two dies of 74; not in a datasheet table, from NVIDIA's Blackwell
 * material: verify), H100-96GB 132 assuming the SXM form factor (not confirmed), MI250X 110 compute units per GCD
 * (220 per package, AMD datasheet).
 */
public final class GpuCatalog {

    private static final double GB = 1e9;
    private static final long MIB = 1L << 20;
    private static final Map<String, GpuType> TYPES = new LinkedHashMap<>();

    static {
        // V100: no BF16, no FP8; DGX-2 NVSwitch 300 GB/s bidirectional; 8x100 Gb/s EDR.
        add(new GpuType("V100-16GB", 125, 0, 0, 16160 * MIB, 900 * GB, 150 * GB, 0, 100 * GB, 8, 80));
        add(new GpuType("V100-32GB", 125, 0, 0, 32510 * MIB, 900 * GB, 150 * GB, 0, 100 * GB, 8, 80));
        // A100 SXM: NVLink 3 600 GB/s bidirectional; DGX A100 8x200 Gb/s HDR.
        add(new GpuType("A100-40GB", 312, 312, 0, 40960 * MIB, 1555 * GB, 300 * GB, 0, 200 * GB, 8, 108));
        add(new GpuType("A100-80GB", 312, 312, 0, 81920 * MIB, 2039 * GB, 300 * GB, 0, 200 * GB, 8, 108));
        // H100 SXM: 989 dense BF16, 1979 dense FP8; NVLink 4 900 GB/s bidirectional; 8x400 Gb/s.
        add(new GpuType("H100-80GB", 989, 989, 1979, 81559 * MIB, 3350 * GB, 450 * GB, 0, 400 * GB, 8, 132));
        // H100 96 GB HBM2e at 500 W (torchtitan): about 95 GB usable; HBM bandwidth lower than HBM3 (verify).
        add(new GpuType("H100-96GB", 989, 989, 1979, 95_000_000_000L, 2800 * GB, 450 * GB, 0, 400 * GB, 8, 132));
        add(new GpuType("H200-141GB", 989, 989, 1979, 143771 * MIB, 4800 * GB, 450 * GB, 0, 400 * GB, 8, 132));
        // B200 figures are marked "verify" in cost-models.md §10.
        add(new GpuType(
                "B200-180GB", 2250, 2250, 4500, 180 * 1_000_000_000L, 8000 * GB, 900 * GB, 0, 400 * GB, 8, 148));
        // MI250X per GCD: half a package; GCD pair 200 GB/s, other GCDs 50-100 GB/s; Frontier 4x25 GB/s per node.
        add(new GpuType("MI250X-GCD", 191.5, 191.5, 0, 65536 * MIB, 1638.4 * GB, 50 * GB, 100 * GB, 100 * GB, 8, 110));
    }

    private GpuCatalog() {}

    private static void add(GpuType type) {
        TYPES.put(type.name().toLowerCase(Locale.ROOT), type);
    }

    /** The GPU type called {@code name} (case-insensitive); unknown names list the catalog. */
    public static GpuType byName(String name) {
        GpuType type = name == null ? null : TYPES.get(name.trim().toLowerCase(Locale.ROOT));
        if (type == null) {
            throw new InvalidInputException("unknown GPU type '" + name + "'; the catalog has " + names());
        }
        return type;
    }

    public static List<String> names() {
        return TYPES.values().stream().map(GpuType::name).toList();
    }
}
