package dev.trainingplanner.costmodel.compute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import dev.trainingplanner.costmodel.layout.ExpertParallelism;
import dev.trainingplanner.costmodel.layout.ExpertRouting;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.Precision;
import org.junit.jupiter.api.Test;

class ExpertGemmsTest {

    private static final ModelSpec QWEN = ModelPresets.byName("qwen3-30b-a3b");

    private static Layout layout(int tp, int dp, ExpertParallelism experts) {
        return Layout.builder()
                .tp(tp)
                .dp(dp)
                .sequenceParallel(tp > 1)
                .expertParallelism(experts)
                .build();
    }

    @Test
    void tokensPerLocalExpertAreTheGroupsRoutedCopiesOverTheExperts() {
        // 8 GPUs of 4,096 tokens, top-8 over 128 experts: 8·4096·8/128.
        assertThat(ExpertGemms.tokensPerLocalExpert(QWEN, layout(1, 8, ExpertParallelism.of(8, 1)), 4096))
                .isEqualTo(2048);
        // With tp = etp = 2 each GPU holds half the sequence, and the expert's two halves each see all its tokens.
        assertThat(ExpertGemms.tokensPerLocalExpert(QWEN, layout(2, 8, ExpertParallelism.of(8, 2)), 4096))
                .isEqualTo(2048);
        // The busiest expert under imbalanced routing sets the pace.
        Layout skewed = layout(1, 8, ExpertParallelism.of(8, 1).withRouting(ExpertRouting.dropless(1.25)));
        assertThat(ExpertGemms.tokensPerLocalExpert(QWEN, skewed, 4096)).isEqualTo(2560);
        assertThat(ExpertGemms.localExperts(QWEN, skewed)).isEqualTo(16);
    }

    @Test
    void expertGemmsRunSlowerPerTokenWhenEachExpertSeesFewTokens() {
        GemmTimeModel gemm = GemmTimeModel.of(GpuCatalog.byName("H100-80GB"), Precision.BF16);
        Layout wide = layout(1, 64, ExpertParallelism.of(64, 1));
        Layout narrow = layout(1, 8, ExpertParallelism.of(8, 1));
        // ep = 64 with 256 tokens per GPU: 2 local experts of 128 rows each; ep = 8 with 4,096 tokens: 16 of 2,048.
        double fewTokens = ExpertGemms.forwardSeconds(gemm, QWEN, wide, 256);
        double manyTokens = ExpertGemms.forwardSeconds(gemm, QWEN, narrow, 4096);
        double fewFlops = 2.0 * 128 * 2 * 3 * 768 * 2048;
        double manyFlops = 2.0 * 2048 * 16 * 3 * 768 * 2048;
        assertThat(fewFlops / fewTokens).isLessThan(0.6 * manyFlops / manyTokens);
        assertThat(ExpertGemms.backwardSeconds(gemm, QWEN, narrow, 4096)).isGreaterThan(manyTokens);
    }
}
