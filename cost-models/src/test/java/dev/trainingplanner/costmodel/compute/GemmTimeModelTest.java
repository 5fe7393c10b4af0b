package dev.trainingplanner.costmodel.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import dev.trainingplanner.costmodel.cluster.GpuType;
import dev.trainingplanner.costmodel.training.Precision;
import org.junit.jupiter.api.Test;

class GemmTimeModelTest {

    private static final GpuType A100 = GpuCatalog.byName("A100-80GB");
    private static final GpuType H100 = GpuCatalog.byName("H100-80GB");

    /**
     * Every tile equally efficient at the full peak, no tile overhead, no launch time, alignment halving and quartering
     * the rate: times follow from tile and wave counts alone. One A100 SM then runs 312e12/108 FLOP/s.
     */
    private static final GemmTimeModel IDEAL_A100 =
            new GemmTimeModel(A100, Precision.FP16, new GemmKernelParameters(1.0, 0, 0, 1.0, 0, 0.5, 0.25, "test"));

    private static final double SM_FLOPS = 312e12 / 108;

    /** One 256×128 tile with a 4096-long reduction on one SM. */
    private static final double TILE_256X128_SECONDS = 2.0 * 256 * 128 * 4096 / SM_FLOPS;

    @Test
    void aFullWaveRunsAtThePeak() {
        // 256 × (108·128): 108 tiles of 256×128, one per SM, one wave: exactly the peak.
        GemmShape shape = new GemmShape(256, 108 * 128, 4096, 1);
        assertThat(IDEAL_A100.seconds(shape)).isCloseTo(TILE_256X128_SECONDS, within(1e-12));
        assertThat(IDEAL_A100.achievedFlopsPerSecond(shape)).isCloseTo(312e12, within(1e6));
    }

    @Test
    void sixtyFourMoreColumnsCostAPartialWave() {
        // n = 13,888: 256×128 and 128×256 tiles need 109-110 tiles (2 waves of 108, 2 × 92.9 µs); 128×128 218 tiles
        // (3 waves of half the work); 128×64 and 64×128 434-436 tiles (5 waves of a quarter); 64×64 868 tiles, 9 waves
        // of an eighth = 9/8 of the full wave, the fastest.
        GemmShape shape = new GemmShape(256, 108 * 128 + 64, 4096, 1);
        assertThat(IDEAL_A100.seconds(shape)).isCloseTo(9.0 / 8 * TILE_256X128_SECONDS, within(1e-12));
    }

    @Test
    void aReductionIsPaddedToWholeStepsOf32Elements() {
        // k = 4,097 is odd (narrow: rate / 4) and padded to 4,128; k = 4,100 is 4-element aligned (partial: rate / 2),
        // also padded to 4,128.
        double padded = TILE_256X128_SECONDS * 4128 / 4096;
        assertThat(IDEAL_A100.seconds(new GemmShape(256, 108 * 128, 4100, 1))).isCloseTo(2 * padded, within(1e-12));
        assertThat(IDEAL_A100.seconds(new GemmShape(256, 108 * 128, 4097, 1))).isCloseTo(4 * padded, within(1e-12));
        assertThat(IDEAL_A100.seconds(new GemmShape(256, 108 * 128, 4128, 1))).isCloseTo(padded, within(1e-12));
    }

    @Test
    void alignmentCountsBytesSoFp8NeedsMultiplesOf16Elements() {
        GemmTimeModel fp8 =
                new GemmTimeModel(H100, Precision.FP8, new GemmKernelParameters(1.0, 0, 0, 1.0, 0, 0.5, 0.25, "test"));
        assertThat(fp8.alignmentEfficiency(4096, 4096, 4096)).isEqualTo(1.0);
        assertThat(fp8.alignmentEfficiency(4096, 4104, 4096)).isEqualTo(0.5); // 4104 fp8 bytes: 8-byte aligned
        assertThat(fp8.alignmentEfficiency(4096, 4096, 4098)).isEqualTo(0.25); // 2-byte aligned
        assertThat(IDEAL_A100.alignmentEfficiency(4096, 4104, 4096)).isEqualTo(1.0); // 8 fp16 elements = 16 bytes
        assertThat(IDEAL_A100.alignmentEfficiency(27648, 4096, 4096 + 2)).isEqualTo(0.5);
        assertThat(IDEAL_A100.alignmentEfficiency(27647, 4096, 4096)).isEqualTo(0.25);
    }

    @Test
    void aSkinnyGemmIsBoundByStreamingItsOperandsThroughHbm() {
        // m = 1,048,576, n = 8, k = 8: 2·2^20·64 FLOP are nothing; 2 bytes · (2^23 + 64 + 2^23) must cross HBM.
        GemmShape shape = new GemmShape(1 << 20, 8, 8, 1);
        double bytes = 2.0 * ((1 << 20) * 8 + 64 + (1 << 20) * 8);
        assertThat(IDEAL_A100.seconds(shape)).isCloseTo(bytes / 2039e9, within(1e-12));
    }

    @Test
    void tinyGemmsCostTheLaunchTimePlusOneTile() {
        // Anything inside one 64×64 tile and one 32-element reduction step costs the same: the launch time plus one
        // tile of (32 + overhead) reduction elements at the 64×64 tile's rate (reuse 32), (32/(32 + I½)) / (85.3/(85.3
        // + I½)) of
        // the ceiling.
        GemmTimeModel model = GemmTimeModel.of(A100, Precision.FP16);
        GemmKernelParameters p = model.parameters();
        double half = p.tileHalfIntensityElements();
        double largest = 256.0 * 128 / (256 + 128);
        double rate = SM_FLOPS * p.maxEfficiency() * (32 / (32 + half)) / (largest / (largest + half));
        double expected =
                p.launchMicroseconds() * 1e-6 + 2.0 * 64 * 64 * (32 + p.tileOverheadReductionElements()) / rate;
        assertThat(model.seconds(new GemmShape(8, 8, 8, 1))).isCloseTo(expected, within(1e-12));
        assertThat(model.seconds(new GemmShape(64, 64, 32, 1))).isCloseTo(expected, within(1e-12));
        assertThat(model.seconds(new GemmShape(64, 64, 64, 1))).isGreaterThan(expected);
    }

    @Test
    void fittedA100LosesAboutAThirdWhenTheOutputWidthIsNotAMultipleOf8() {
        // G1b: m = 27,648, k = 4,096: n = 256 reads 227 TFLOP/s, n = 258 117, n = 264 171.
        GemmTimeModel model = GemmTimeModel.of(A100, Precision.FP16);
        double aligned = model.achievedFlopsPerSecond(new GemmShape(27648, 256, 4096, 1));
        double misaligned = model.achievedFlopsPerSecond(new GemmShape(27648, 258, 4096, 1));
        double nextAligned = model.achievedFlopsPerSecond(new GemmShape(27648, 264, 4096, 1));
        assertThat(misaligned / aligned).isBetween(0.45, 0.75);
        assertThat(misaligned).isLessThan(nextAligned);
    }

    @Test
    void headDim108UnfusedAttentionIsSlowerThan128AtEqualFlops() {
        // Same hidden size 13,824 and FLOPs: 128 heads of 108 against 108 heads of 128 (micro-batch 4, s = 2048).
        for (GpuType gpu : new GpuType[] {A100, H100}) {
            GemmTimeModel model = GemmTimeModel.of(gpu, gpu.halfPrecision());
            double d108 = UnfusedAttention.forwardSeconds(model, 4, 128, 2048, 2048, 108);
            double d128 = UnfusedAttention.forwardSeconds(model, 4, 108, 2048, 2048, 128);
            assertThat(d108).as(gpu.name()).isGreaterThan(1.25 * d128);
        }
    }

    @Test
    void derivedTypesScaleTheMeasuredCeilingByG4Ratios() {
        GemmKernelParameters h100 = GemmKernelTable.forGpu(H100, Precision.BF16);
        GemmKernelParameters b200 = GemmKernelTable.forGpu(GpuCatalog.byName("B200-180GB"), Precision.BF16);
        assertThat(b200.maxEfficiency()).isCloseTo(h100.maxEfficiency() * 0.776 / 0.803, within(1e-12));
        assertThat(b200.provenance()).startsWith("derived");
        assertThat(GemmKernelTable.forGpu(A100, Precision.FP16).provenance()).startsWith("fitted");
        assertThat(GemmKernelTable.forGpu(GpuCatalog.byName("V100-32GB"), Precision.FP16)
                        .provenance())
                .contains("no kernel rows");
    }

    @Test
    void blockScaledFormatsRunAtTheirPeaksAndStreamTheirScales() {
        GpuType gb300 = GpuCatalog.byName("GB300-288GB");
        GemmTimeModel mxfp8 = GemmTimeModel.withCeiling(gb300, Precision.MXFP8, 0.5);
        GemmTimeModel nvfp4 = GemmTimeModel.withCeiling(gb300, Precision.NVFP4, 0.5);
        GemmTimeModel fp8 = GemmTimeModel.withCeiling(gb300, Precision.FP8, 0.5);
        GemmShape large = new GemmShape(16384, 28672, 8192, 1);
        // Compute-bound: the time follows the peak, 15 PF NVFP4 against 5 PF MXFP8 on GB300.
        assertThat(mxfp8.seconds(large) / nvfp4.seconds(large)).isCloseTo(3.0, within(0.05));
        assertThat(mxfp8.seconds(large)).isCloseTo(fp8.seconds(large), within(1e-3 * fp8.seconds(large)));
        // Memory-bound: a skinny GEMM streams its operands; the MX scales add 1/32 byte per mxfp8 element and 1/16 per
        // nvfp4 element, so nvfp4 moves (0.5 + 1/16) / (1 + 1/32) of mxfp8's operand bytes.
        GemmShape skinny = new GemmShape(16, 65536, 65536, 1);
        double ratio = nvfp4.seconds(skinny) / mxfp8.seconds(skinny);
        assertThat(ratio).isCloseTo((0.5 + 1.0 / 16) / (1 + 1.0 / 32), within(0.02));
        assertThat(mxfp8.seconds(skinny)).isGreaterThan(fp8.seconds(skinny));
    }

    @Test
    void aHopperGpuRefusesTheBlackwellFormats() {
        assertThatThrownBy(() -> GemmTimeModel.of(H100, Precision.NVFP4))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("does not support nvfp4");
        assertThatThrownBy(() -> GemmTimeModel.of(H100, Precision.MXFP8))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("does not support mxfp8");
        assertThat(GemmKernelTable.forGpu(GpuCatalog.byName("GB200-186GB"), Precision.NVFP4)
                        .maxEfficiency())
                .isCloseTo(GemmKernelTable.forGpu(H100, Precision.BF16).maxEfficiency() * 0.723 / 0.803, within(1e-12));
    }

    @Test
    void badShapesAndUnsupportedPrecisionsAreRefusedWithTheirValues() {
        assertThatThrownBy(() -> new GemmShape(0, 1, 1, 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("m=0");
        assertThatThrownBy(() -> IDEAL_A100.seconds(4, -1, 4, 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("n=-1");
        assertThatThrownBy(() -> GemmTimeModel.of(A100, Precision.FP8))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("fp8");
    }
}
