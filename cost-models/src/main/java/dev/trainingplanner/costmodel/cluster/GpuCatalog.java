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
 * (same GH100 configuration as H100 SXM; H800 too), B200 and GB200 148 (two dies of 74; not in a datasheet table,
 * from NVIDIA's Blackwell material: verify), B300 and GB300 160 (verify), H100-96GB 132 assuming the SXM form factor (not confirmed), MI250X 110 compute units per GCD
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
        // H800 SXM: H100 SXM compute and memory with NVLink cut to 400 GB/s bidirectional (200 per direction);
        // 8x400 Gb/s as in DeepSeek-V3's cluster (arXiv 2412.19437 §3.1). NVIDIA H800 product brief (unconfirmed:
        // no NVIDIA datasheet in the sources; third-party comparisons agree).
        add(new GpuType("H800-80GB", 989, 989, 1979, 81559 * MIB, 3350 * GB, 200 * GB, 0, 400 * GB, 8, 132));
        // Blackwell: dense = half the "with sparsity" datasheet figures. MXFP8 runs at the FP8 rate on Blackwell's
        // tensor cores (the datasheets list "FP8/FP6" only; equal rate assumed); NVFP4 is the "FP4 Tensor Core" row.
        // NVLink 5: 1.8 TB/s bidirectional per GPU, 900 GB/s per direction, across the node or the NVL72 rack.
        // B200 (HGX B200, https://www.nvidia.com/en-us/data-center/hgx/): 36 PF BF16, 72 PF FP8, 144 PF FP4 per 8
        // GPUs with sparsity; 8x400 Gb/s ConnectX-7 (DGX B200).
        add(new GpuType(
                "B200-180GB",
                2250,
                2250,
                4500,
                4500,
                9000,
                180 * 1_000_000_000L,
                8000 * GB,
                900 * GB,
                0,
                400 * GB,
                8,
                148));
        // B300 (HGX B300, https://www.nvidia.com/en-us/data-center/hgx/; DGX B300,
        // https://www.nvidia.com/en-us/data-center/dgx-b300/): 36 PF BF16, 72 PF FP8 per 8 GPUs with sparsity; FP4
        // 108 PF dense per 8 GPUs = 13.5 PF (unconfirmed: third-party tables give 13.1-14 PF); 8x800 Gb/s ConnectX-8;
        // 160 SMs (Blackwell Ultra, NVIDIA technical blog "Inside NVIDIA Blackwell Ultra"; unconfirmed).
        add(new GpuType(
                "B300-288GB",
                2250,
                2250,
                4500,
                4500,
                13500,
                288 * 1_000_000_000L,
                8000 * GB,
                900 * GB,
                0,
                800 * GB,
                8,
                160));
        // GB200 NVL72 (https://www.nvidia.com/en-us/data-center/gb200-nvl72/): per 72 GPUs with sparsity 360 PF
        // FP16/BF16, 720 PF FP8/FP6, 1,440 PF FP4, so 2.5 / 5 / 10 PF dense per GPU; 186 GB HBM3e at 8 TB/s per GPU;
        // a compute tray holds 4 GPUs with 4x400 Gb/s ConnectX-7 (MLPerf v5.1 GB200 systems); 148 SMs as B200
        // (unconfirmed).
        add(new GpuType(
                "GB200-186GB",
                2500,
                2500,
                5000,
                5000,
                10000,
                186 * 1_000_000_000L,
                8000 * GB,
                900 * GB,
                0,
                200 * GB,
                4,
                148));
        // GB300 NVL72 (https://www.nvidia.com/en-us/data-center/gb300-nvl72/): per 72 GPUs 360 PF FP16/BF16 and
        // 720 PF FP8/FP6 with sparsity, 1,080 PF FP4 dense, so 2.5 / 5 / 15 PF dense per GPU; 288 GB HBM3e at 8 TB/s;
        // a compute tray holds 4 GPUs with 4x800 Gb/s ConnectX-8; 160 SMs as B300 (unconfirmed).
        add(new GpuType(
                "GB300-288GB",
                2500,
                2500,
                5000,
                5000,
                15000,
                288 * 1_000_000_000L,
                8000 * GB,
                900 * GB,
                0,
                400 * GB,
                4,
                160));
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
