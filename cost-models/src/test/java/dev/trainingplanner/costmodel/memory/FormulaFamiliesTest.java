package dev.trainingplanner.costmodel.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.model.MlpKind;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import org.junit.jupiter.api.Test;

/** Hand-derived numbers for the memory formula families (cost-models.md §2). */
class FormulaFamiliesTest {

    /** GPT-3 175B as in Korthikanti et al. (no flash attention, dropout). */
    private static final ModelSpec GPT3 =
            new ModelSpec("gpt3-175b", 96, 12288, 49152, 96, 96, 51200, 2048, MlpKind.GELU, true, false);

    /**
     * ZeRO paper's example (§5, Fig. 1): Ψ = 7.5B, N_d = 64 gives 120 GB, 31.4 GB, 16.6 GB and 1.9 GB of model states.
     */
    @Test
    void zeroMemoryTableReproducesThePaperExample() {
        double psi = 7.5e9;
        int nd = 64;
        double[] expectedGb = {120, 31.4, 16.6, 1.875};
        for (int stage = 0; stage <= 3; stage++) {
            double bytes = psi
                    * (ModelStateBytes.weights(stage, nd)
                            + ModelStateBytes.gradients(stage, nd)
                            + ModelStateBytes.optimizerStates(stage, nd));
            assertThat(bytes / 1e9).as("stage %d", stage).isCloseTo(expectedGb[stage], within(0.05));
        }
    }

    /** TP 8 + SP + selective recompute stores 34·s·b·h/t per layer (Korthikanti Table 2). */
    @Test
    void gpt3ActivationsWithTp8SequenceParallelAndSelectiveRecompute() {
        double perLayer = ActivationMemory.perLayerBytes(GPT3, 1, 8, 1, true, Recompute.SELECTIVE, 2);
        assertThat(perLayer).isEqualTo(34.0 * 2048 * 1 * 12288 / 8);
        assertThat(perLayer).isEqualTo(106_954_752.0);
    }

    @Test
    void gpt3ActivationsWithoutParallelismAndWithTpOnly() {
        double s = 2048;
        double h = 12288;
        double a = 96;
        assertThat(ActivationMemory.perLayerBytes(GPT3, 1, 1, 1, false, Recompute.NONE, 2))
                .isCloseTo(s * h * (34 + 5 * a * s / h), within(1.0));
        assertThat(ActivationMemory.perLayerBytes(GPT3, 1, 8, 1, false, Recompute.NONE, 2))
                .isCloseTo(s * h * (10 + 24.0 / 8 + 5 * a * s / (h * 8)), within(1.0));
        assertThat(ActivationMemory.perLayerBytes(GPT3, 1, 8, 1, false, Recompute.SELECTIVE, 2))
                .isCloseTo(s * h * (10 + 24.0 / 8), within(1.0));
        assertThat(ActivationMemory.perLayerBytes(GPT3, 1, 8, 1, true, Recompute.FULL, 2))
                .isCloseTo(2 * s * h / 8, within(1.0));
    }

    /**
     * Transformer Engine saves the inputs of the four linear layers in the GEMM format: QKV and FC1 inputs (h each, in
     * the replicated part) and the projection and FC2 inputs (h + 4h, split over t) at 1 byte instead of 2 for fp8.
     */
    @Test
    void lowPrecisionLinearInputsAreSavedInTheirFormat() {
        double s = 2048;
        double h = 12288;
        double bf16 = ActivationMemory.perLayerBytes(GPT3, 1, 8, 1, false, Recompute.SELECTIVE, 2);
        double fp8 = ActivationMemory.perLayerBytes(GPT3, 1, 8, 1, false, Recompute.SELECTIVE, 1);
        assertThat(bf16 - fp8).isCloseTo(s * h * (2 + 5.0 / 8), within(1.0));
        TrainingSpec megatron = new TrainingSpec(8, 1, Precision.NVFP4, Framework.MEGATRON);
        assertThat(ActivationMemory.linearInputBytes(megatron, GpuCatalog.byName("GB200-186GB")))
                .isEqualTo(0.5 + 1.0 / 16);
        assertThat(ActivationMemory.linearInputBytes(megatron, GpuCatalog.byName("H100-80GB")))
                .as("a GPU without nvfp4 runs the GEMMs in bf16")
                .isEqualTo(2);
        assertThat(ActivationMemory.linearInputBytes(
                        new TrainingSpec(8, 1, Precision.FP8, Framework.FSDP), GpuCatalog.byName("H100-80GB")))
                .as("torchao float8 keeps 16-bit inputs")
                .isEqualTo(2);
    }

    /** 1F1B: stage i holds min(m, p − i); interleaved rank 0 holds L·(1 + (p−1)/(p·v)) layers' worth. */
    @Test
    void inFlightCountsOf1F1BAndInterleavedSchedules() {
        assertThat(InFlightMicroBatches.oneFOneB(0, 4, 8)).isEqualTo(4);
        assertThat(InFlightMicroBatches.oneFOneB(3, 4, 8)).isEqualTo(1);
        assertThat(InFlightMicroBatches.oneFOneB(0, 4, 2)).isEqualTo(2);
        assertThat(InFlightMicroBatches.interleavedChunks(0, 4, 2, 8)).isEqualTo(11);
        int layers = 32;
        int p = 4;
        int v = 2;
        assertThat(InFlightMicroBatches.layerEquivalents(0, p, v, 8, layers / p))
                .isEqualTo(layers * (1 + (p - 1.0) / (p * v)));
        assertThat(InFlightMicroBatches.layerEquivalents(0, p, 1, 8, layers / p))
                .isEqualTo(layers);
    }
}
