package dev.trainingplanner.costmodel.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.model.MlpKind;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import org.junit.jupiter.api.Test;

/** The full estimate prices each GEMM from its shape: head dimension and tokens per micro-batch matter. */
class GemmShapeEstimateTest {

    private static final CostModel MODEL = new CostModel();

    private static Estimate estimate(ModelSpec model, TrainingSpec training, String gpu, Layout layout) {
        Cluster cluster = Cluster.uniform(GpuCatalog.byName(gpu), layout.worldSize() / 8, 8);
        return MODEL.estimate(model, training, cluster, layout, Placement.packed(cluster, layout.worldSize()));
    }

    private static ModelSpec unfused(int hidden, int heads) {
        return new ModelSpec(
                "h" + hidden + "a" + heads,
                8,
                hidden,
                4 * hidden,
                heads,
                heads,
                50304,
                2048,
                MlpKind.GELU,
                true,
                false);
    }

    /**
     * Without flash attention a head dimension of 108 (32 heads of h = 3,456) against 128 (27 heads), sequences of
     * 4,096: the same parameters and FLOPs. The extra score elements of 32 heads alone (their softmax traffic) make the
     * attention core at most 32/27 = 1.19 times slower; the kernel data (G2: QK^T over d = 108 at 65 against 113
     * TFLOP/s for d = 128, AV 110 against 144, on A100) make it much slower on A100. Selective recompute repeats exactly the
     * attention core, so the estimate's recompute time isolates it.
     */
    @Test
    void headDimension108WithoutFlashAttentionIsSlowerThan128AtEqualFlops() {
        TrainingSpec training = new TrainingSpec(32, 1, Precision.BF16);
        Layout layout = Layout.builder().dp(8).recompute(Recompute.SELECTIVE).build();
        ModelSpec heads32 = unfused(3456, 32);
        ModelSpec heads27 = unfused(3456, 27);
        assertThat(heads32.trainingFlopsPerToken()).isEqualTo(heads27.trainingFlopsPerToken());
        for (String gpu : new String[] {"A100-80GB", "H100-80GB"}) {
            Estimate d108 = estimate(heads32, training, gpu, layout);
            Estimate d128 = estimate(heads27, training, gpu, layout);
            assertThat(d108.iterationTimeSeconds()).as(gpu).isGreaterThan(1.05 * d128.iterationTimeSeconds());
        }
        // On A100 (where G2 measured these shapes) the attention GEMMs are compute-bound and d = 108 costs beyond its
        // heads; on H100 both run at the HBM floor of their score tensors, whose size follows the heads.
        Estimate d108 = estimate(heads32, training, "A100-80GB", layout);
        Estimate d128 = estimate(heads27, training, "A100-80GB", layout);
        assertThat(d108.breakdown().recomputeSeconds())
                .isGreaterThan(1.25 * d128.breakdown().recomputeSeconds());
    }

    /**
     * One sequence of 2,048 tokens per micro-batch leaves the TP-sharded GEMMs of a 4,096-wide model with few tiles
     * (QKV: 8 × 24 tiles of 256×128 on 108 SMs, two waves at 89% occupancy) and the weight gradients with a short
     * reduction; eight sequences fill the waves. At the same global batch the small micro-batch must be slower, by
     * more than the latency of its four times as many TP all-reduces explains (about 7% here).
     */
    @Test
    void smallMicroBatchesAreSlowerThanLargeOnesAtTheSameGlobalBatch() {
        ModelSpec model = new ModelSpec("gpt-4096", 8, 4096, 16384, 32, 32, 50304, 2048, MlpKind.GELU, true, true);
        Layout layout =
                Layout.builder().tp(8).dp(1).recompute(Recompute.SELECTIVE).build();
        double previous = Double.POSITIVE_INFINITY;
        for (int microBatch : new int[] {1, 2, 4, 8}) {
            double seconds = estimate(model, new TrainingSpec(64, microBatch, Precision.BF16), "A100-80GB", layout)
                    .iterationTimeSeconds();
            assertThat(seconds).as("micro-batch %d", microBatch).isLessThan(previous);
            previous = seconds;
        }
        double one = estimate(model, new TrainingSpec(64, 1, Precision.BF16), "A100-80GB", layout)
                .iterationTimeSeconds();
        assertThat(one).isGreaterThan(1.15 * previous);
    }
}
