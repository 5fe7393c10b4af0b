package dev.trainingplanner.costmodel.calibration;

import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import dev.trainingplanner.costmodel.cluster.GpuType;
import dev.trainingplanner.costmodel.compute.GemmKernelTable;
import dev.trainingplanner.costmodel.time.PipelineSchedule;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Calibrated {@link GpuEfficiency} per GPU type and {@link FrameworkCosts} per framework, fitted by {@code
 * EfficiencyFit} (test sources) on the dense rows on pre-Blackwell GPUs of {@code calibration/cases.csv} (see the
 * module README for the fit and its residuals). The GEMM levels are the ceilings that {@code compute.GemmTimeModel}'s
 * shape model runs at on each GPU: the kernel data give the shape behaviour, the training runs give the level. The
 * Blackwell types (B200, GB200, B300, GB300) take H100's stack with their levels moved by kernel data, and three
 * low-precision levels fitted on the dense Blackwell rows ({@link #blackwell}). Other types without calibration rows
 * are derived from the closest calibrated type: efficiencies are kept (same software stack).
 */
public final class EfficiencyTable {

    private static final double GB = 1e9;
    private static final Map<String, GpuEfficiency> TABLE = new LinkedHashMap<>();

    /** Memory-bound traffic is a shape of the transformer, shared by every GPU (fitted jointly). */
    static final double MEMORY_BOUND_BYTES_PER_TOKEN = 60;

    static {
        // V100 rows (S1): Megatron-LM v1 (2020) TP sweep: TP communication is blocking. The rows have no data
        // parallelism, so the DP overlap is a prior: bucketed gradient reduction overlapping half the last backward.
        TABLE.put(
                "v100-32gb",
                efficiency(
                        0.81,
                        0.81,
                        0.35,
                        0.70,
                        1.0,
                        0.5,
                        1.0,
                        0.6,
                        0.08,
                        "fitted: S1 V100 rows (GEMM level on the A100 kernel shape constants)"));
        // A100 rows (S1 A100-40GB, S2 A100-80GB): Megatron-LM 2020-2021, blocking TP communication; the DP overlap
        // (half the last backward) barely moves these rows, whose DP share is small.
        TABLE.put(
                "a100-80gb",
                efficiency(
                        0.81,
                        0.81,
                        0.45,
                        0.75,
                        1.0,
                        0.5,
                        1.0,
                        0.6,
                        0.08,
                        "fitted: S1 and S2 A100 Megatron rows (both sizes)"));
        // H100 rows: Megatron-Core / NeMo / Megatron-Bridge (TP comm overlap, overlapped grad reduce and param gather).
        TABLE.put(
                "h100-80gb",
                efficiency(
                        0.70, 0.53, 0.55, 0.75, 0.3, 0.8, 0.5, 0.8, 0.05, "fitted: S5, S10, S11, S19 H100-80GB rows"));
        // H100 96 GB HBM2e at a 500 W power limit, torchtitan (FSDP2, SDPA attention, torchao float8).
        TABLE.put(
                "h100-96gb",
                efficiency(0.42, 0.39, 0.25, 0.75, 0.3, 0.8, 0.5, 0.8, 0.05, "fitted: S12 torchtitan H100 96GB rows"));
        for (String name : new String[] {"B200-180GB", "GB200-186GB"}) {
            TABLE.put(name.toLowerCase(Locale.ROOT), blackwell(GpuCatalog.byName(name), false));
        }
        for (String name : new String[] {"B300-288GB", "GB300-288GB"}) {
            TABLE.put(name.toLowerCase(Locale.ROOT), blackwell(GpuCatalog.byName(name), true));
        }
    }

    /**
     * Blackwell GEMM levels of the block-scaled and per-tensor low-precision formats on B200, fitted on the dense S19
     * Blackwell rows (Megatron-Bridge 25.11 and 26.04.01: Llama 3 8B and 70B on B200, GB200 and GB300); every
     * Blackwell type scales them by its G4 best-shape fp8 efficiency relative to B200's (kernel data).
     */
    static final double BLACKWELL_FP8_LEVEL = 0.52;

    static final double BLACKWELL_MXFP8_LEVEL = 0.49;
    static final double BLACKWELL_NVFP4_LEVEL = 0.37;

    /**
     * Fused attention on Blackwell relative to H100's level: FlashAttention-4 inside a Llama 3.1 8B training step at
     * s = 8,192 reaches 834 TFLOP/s on B200 (37% of 2,250) where FlashAttention-3 reaches 447 on H200 (45% of 989),
     * kernels source A5.
     */
    static final double BLACKWELL_ATTENTION_RATIO = (834.0 / 2250) / (447.0 / 989);

    /**
     * Blackwell Ultra (B300, GB300) runs the softmax exponentials of attention at twice Blackwell's rate (10.7 against
     * 5 tera-exponentials/s; NVIDIA's "2x attention-layer acceleration"), which FlashAttention-4 is bound by; the gain
     * on the whole attention kernel is fitted on the GB300 rows against the GB200 rows of the same sweeps.
     */
    static final double BLACKWELL_ULTRA_ATTENTION_GAIN = 2.0;

    /**
     * A Blackwell type: H100's calibrated stack (same Megatron-Core / Transformer Engine software; communication and
     * memory terms unchanged) with its GEMM levels moved by the kernel data: the 16-bit level by the G4 best-shape
     * bf16 ratio to H100, the low-precision levels from B200's fitted ones by the G4 fp8 ratio to B200.
     */
    private static GpuEfficiency blackwell(GpuType gpu, boolean ultra) {
        GpuEfficiency h100 = TABLE.get("h100-80gb");
        GpuType b200 = GpuCatalog.byName("B200-180GB");
        double bf16 = h100.gemmEfficiency()
                * GemmKernelTable.bestShapeEfficiency(gpu, Precision.BF16)
                / GemmKernelTable.bestShapeEfficiency(GpuCatalog.byName("H100-80GB"), Precision.BF16);
        double low = GemmKernelTable.bestShapeEfficiency(gpu, Precision.FP8)
                / GemmKernelTable.bestShapeEfficiency(b200, Precision.FP8);
        double attention =
                h100.attentionEfficiency() * BLACKWELL_ATTENTION_RATIO * (ultra ? BLACKWELL_ULTRA_ATTENTION_GAIN : 1);
        return new GpuEfficiency(
                bf16,
                BLACKWELL_FP8_LEVEL * low,
                BLACKWELL_MXFP8_LEVEL * low,
                BLACKWELL_NVFP4_LEVEL * low,
                attention,
                h100.memoryBoundBytesPerToken(),
                h100.hbmEfficiency(),
                h100.tensorParallelExposedFraction(),
                h100.dataParallelOverlapFraction(),
                h100.pipelineP2pExposedFraction(),
                h100.zero3OverlapFraction(),
                h100.contextBytes(),
                h100.ncclBytesPerCommunicator(),
                h100.allocatorReserveFraction(),
                "fitted: S19 dense Blackwell rows (low-precision levels, Blackwell Ultra attention gain); H100 stack"
                        + " with G4 kernel ratios for " + gpu.name());
    }

    private static GpuEfficiency efficiency(
            double gemm,
            double fp8Gemm,
            double attention,
            double hbm,
            double tpExposed,
            double dpOverlap,
            double p2pExposed,
            double contextGb,
            double allocatorReserve,
            String provenance) {
        return new GpuEfficiency(
                gemm,
                fp8Gemm,
                fp8Gemm,
                fp8Gemm,
                attention,
                MEMORY_BOUND_BYTES_PER_TOKEN,
                hbm,
                tpExposed,
                dpOverlap,
                p2pExposed,
                0.8,
                contextGb * GB,
                0.15 * GB,
                allocatorReserve,
                provenance);
    }

    /**
     * DeepSpeed's pipeline engine (Megatron-DeepSpeed): fixed seconds per micro-batch and stage, and per checkpointed
     * layer and micro-batch, fitted on the S6 rows (BLOOM preliminary sweeps, 384 A100) together with the A100 GEMM
     * level; four blocking transfers per micro-batch (see {@code time.FrameworkOverhead}).
     */
    static final double DEEPSPEED_MICRO_BATCH_SECONDS = 0.0;

    static final double DEEPSPEED_CHECKPOINTED_LAYER_SECONDS = 0.0177;

    /**
     * Exposed host time per MoE layer and micro-batch (forward and backward) outside a full-iteration CUDA graph: one
     * constant for all MoE rows of cases.csv, the value of a 0–4 ms scan in 0.5 ms steps with the least median time
     * error on the 37 MoE and Blackwell rows (module README, "MoE rows"). DeepSpeed-MoE and torchtitan also size their
     * expert GEMMs on the host; no rows measure them, so they share Megatron's value.
     */
    static final double MEGATRON_MOE_LAYER_HOST_SECONDS = 0.0025;

    private static final Map<Framework, FrameworkCosts> FRAMEWORKS = Map.of(
            Framework.MEGATRON,
            new FrameworkCosts(
                    0,
                    0,
                    PipelineSchedule.TRANSFERS_PER_CHUNK,
                    false,
                    MEGATRON_MOE_LAYER_HOST_SECONDS,
                    "Megatron-LM: batched asynchronous p2p; its fixed costs are part of the fitted GEMM level; MoE"
                            + " layer host synchronisation fitted on the MoE rows of cases.csv"),
            Framework.DEEPSPEED,
            new FrameworkCosts(
                    DEEPSPEED_MICRO_BATCH_SECONDS,
                    DEEPSPEED_CHECKPOINTED_LAYER_SECONDS,
                    2 * PipelineSchedule.TRANSFERS_PER_CHUNK,
                    true,
                    MEGATRON_MOE_LAYER_HOST_SECONDS,
                    "fitted: S6 Megatron-DeepSpeed rows; blocking send and receive on both sides"),
            Framework.FSDP,
            new FrameworkCosts(
                    0,
                    0,
                    PipelineSchedule.TRANSFERS_PER_CHUNK,
                    false,
                    MEGATRON_MOE_LAYER_HOST_SECONDS,
                    "torchtitan: asynchronous p2p; no rows separate its fixed costs from the GEMM level"));

    /** The fixed costs of {@code framework}. */
    public static FrameworkCosts forFramework(Framework framework) {
        return FRAMEWORKS.get(framework);
    }

    private EfficiencyTable() {}

    /** The last type looked up: every estimate starts with this lookup, and a search asks for the same type. */
    private static volatile LastLookUp last;

    private record LastLookUp(GpuType gpu, GpuEfficiency efficiency) {}

    /** The calibrated parameters of {@code gpu}, or those of the closest calibrated type. */
    public static GpuEfficiency forGpu(GpuType gpu) {
        LastLookUp previous = last;
        if (previous != null && previous.gpu() == gpu) {
            return previous.efficiency();
        }
        GpuEfficiency own = TABLE.get(gpu.name().toLowerCase(Locale.ROOT));
        GpuEfficiency efficiency = own != null ? own : derived(gpu);
        last = new LastLookUp(gpu, efficiency);
        return efficiency;
    }

    private static GpuEfficiency derived(GpuType gpu) {
        String base = closestCalibrated(gpu);
        GpuEfficiency e = TABLE.get(base);
        return new GpuEfficiency(
                e.gemmEfficiency(),
                e.fp8GemmEfficiency(),
                e.mxfp8GemmEfficiency(),
                e.nvfp4GemmEfficiency(),
                e.attentionEfficiency(),
                e.memoryBoundBytesPerToken(),
                e.hbmEfficiency(),
                e.tensorParallelExposedFraction(),
                e.dataParallelOverlapFraction(),
                e.pipelineP2pExposedFraction(),
                e.zero3OverlapFraction(),
                e.contextBytes(),
                e.ncclBytesPerCommunicator(),
                e.allocatorReserveFraction(),
                "derived from " + base + " (no calibration rows for " + gpu.name() + ")");
    }

    /** The calibrated type whose 16-bit peak is closest on a log scale (same architecture generation). */
    private static String closestCalibrated(GpuType gpu) {
        String name = gpu.name().toLowerCase(Locale.ROOT);
        if (name.startsWith("v100")) {
            return "v100-32gb";
        }
        if (name.startsWith("a100")) {
            return "a100-80gb";
        }
        if (name.startsWith("h100") || name.startsWith("h200") || name.startsWith("h800")) {
            return "h100-80gb";
        }
        double peak = gpu.peakTflopsFp16();
        return peak < 200 ? "a100-80gb" : "h100-80gb";
    }
}
