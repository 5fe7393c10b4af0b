package dev.trainingplanner.costmodel.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.estimate.PreparedLayout;
import dev.trainingplanner.costmodel.estimate.StageMemory;
import dev.trainingplanner.costmodel.layout.ExpertParallelism;
import dev.trainingplanner.costmodel.layout.ExpertRouting;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.model.MixtureOfExperts;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Memory of mixture-of-experts layouts, by hand from the Megatron-Core convention: routed experts sharded by ep·etp and
 * replicated over expert data parallelism, ZeRO sharding them over that group, dense and MoE stages apart, and MoE
 * layers' activations growing with top-k.
 */
class MoeMemoryTest {

    private static final ModelSpec V3 = ModelPresets.byName("deepseek-v3");
    private static final ModelSpec QWEN3_30B = ModelPresets.byName("qwen3-30b-a3b");
    /** Routed-expert weights of one DeepSeek-V3 MoE layer: 256 experts of 3·7168·2048. */
    private static final long V3_ROUTED_PER_LAYER = 256L * 3 * 7168 * 2048;

    private static final TrainingSpec MEGATRON_FP8 = new TrainingSpec(8192, 1, Precision.FP8, Framework.MEGATRON);

    /** Megatron-Bridge's DeepSeek-V3 H100 layout of {@code cases.csv} S11-266 (1,024 GPUs), with {@code ep} varied. */
    private static Layout v3H100(int ep, int dp, int zeroStage) {
        return Layout.builder()
                .tp(2)
                .pp(8)
                .dp(dp)
                .sequenceParallel(true)
                .zeroStage(zeroStage)
                .expertParallelism(ExpertParallelism.of(ep, 1))
                .build();
    }

    /** Stage 1 of 61 layers over pp 8 holds layers 7-13: seven MoE layers. */
    private static final int[] V3_PP8 = Layout.evenStageSplit(61, 8);

    @Test
    void routedExpertParametersPerGpuShrinkWithEpAndDenseOnesWithTp() {
        assertThat(V3_PP8).containsExactly(7, 7, 8, 8, 8, 8, 8, 7);
        double[] ep64 = V3.stageExpertParameters(V3_PP8, 64);
        double[] ep8 = V3.stageExpertParameters(V3_PP8, 8);

        assertThat(ep64[1]).isEqualTo(7.0 * V3_ROUTED_PER_LAYER / 64);
        assertThat(ep8[1]).isEqualTo(8 * ep64[1]);
        // Stage 0 holds the 3 dense layers and 4 MoE layers.
        assertThat(ep64[0]).isEqualTo(4.0 * V3_ROUTED_PER_LAYER / 64);
        // Dense parameters of stage 1: seven layers without their routed experts, over tp.
        long densePerLayer = V3.parametersOfLayer(3) - V3_ROUTED_PER_LAYER;
        assertThat(V3.stageDenseParameters(V3_PP8, 2)[1]).isEqualTo(7.0 * densePerLayer / 2);
        assertThat(V3.stageParameters(V3_PP8, 2, 64)[1]).isEqualTo(7.0 * densePerLayer / 2 + ep64[1]);
        // etp splits each expert as ep splits the set of experts.
        assertThat(V3.stageExpertParameters(V3_PP8, 8 * 8)[1]).isEqualTo(ep64[1]);
    }

    /**
     * ZeRO-1 (Megatron's distributed optimizer) with tp 2, dp 64: expert-DP = 2·64/ep. Stage 1's expert states are
     * (2 + 2 + 12/edp)·Ψ_E: ep 64 gives Ψ_E = 7·V3_ROUTED/64 and edp 2, ep 32 twice the experts and edp 4.
     */
    @Test
    void expertStatesShrinkWithEpAndTheirOptimizerShardsOverExpertDataParallelism() {
        double psi64 = 7.0 * V3_ROUTED_PER_LAYER / 64;
        StageModelStates ep64 = ModelStateBytes.ofStage(V3, MEGATRON_FP8, v3H100(64, 64, 1), 1, 0, psi64);
        StageModelStates ep32 = ModelStateBytes.ofStage(V3, MEGATRON_FP8, v3H100(32, 64, 1), 1, 0, 2 * psi64);

        assertThat(v3H100(64, 64, 1).expertDataParallel()).isEqualTo(2);
        assertThat(ep64.expertStatesBytes()).isCloseTo((2 + 2 + 12.0 / 2) * psi64, within(1.0));
        assertThat(ep32.expertStatesBytes()).isCloseTo((2 + 2 + 12.0 / 4) * 2 * psi64, within(1.0));
        assertThat(ep64.expertStatesBytes()).isLessThan(ep32.expertStatesBytes());
        assertThat(ep64.optimizerStatesBytes()).isCloseTo(12.0 / 2 * psi64, within(1.0));
        assertThat(ep64.optimizerShardParameters()).isCloseTo(psi64 / 2, within(1e-3));

        // More data parallelism at the same ep: the expert weights stay, their optimizer states shard further.
        StageModelStates dp16 = ModelStateBytes.ofStage(V3, MEGATRON_FP8, v3H100(8, 16, 1), 1, 0, 8 * psi64);
        StageModelStates dp64 = ModelStateBytes.ofStage(V3, MEGATRON_FP8, v3H100(8, 64, 1), 1, 0, 8 * psi64);
        assertThat(dp64.weightsBytes()).isEqualTo(dp16.weightsBytes());
        assertThat(dp64.optimizerStatesBytes()).isCloseTo(dp16.optimizerStatesBytes() / 4, within(1.0));

        // Without ZeRO every replica keeps its experts' optimizer states; ZeRO-2 also shards their gradients.
        StageModelStates ddp = ModelStateBytes.ofStage(V3, MEGATRON_FP8, v3H100(64, 64, 0), 1, 0, psi64);
        StageModelStates zero2 = ModelStateBytes.ofStage(V3, MEGATRON_FP8, v3H100(64, 64, 2), 1, 0, psi64);
        assertThat(ddp.expertStatesBytes()).isCloseTo(16 * psi64, within(1.0));
        assertThat(zero2.gradientsBytes()).isCloseTo(2.0 / 2 * psi64, within(1.0));
    }

    /** Dense parameters still shard over dp·cp beside the experts' expert-DP. */
    @Test
    void denseAndExpertPartsShardOverTheirOwnGroups() {
        double dense = 1e9;
        double experts = 2e9;
        StageModelStates both = ModelStateBytes.ofStage(V3, MEGATRON_FP8, v3H100(64, 64, 1), 1, dense, experts);
        assertThat(both.optimizerStatesBytes()).isCloseTo(12 * dense / 64 + 12 * experts / 2, within(1.0));
        assertThat(both.weightsBytes()).isCloseTo(2 * (dense + experts), within(1.0));
        assertThat(both.expertStatesBytes()).isCloseTo((2 + 2 + 6) * experts, within(1.0));
    }

    @Test
    void aStageOfDenseLayersHoldsNoExpertStatesAndLessThanAStageOfMoeLayers() {
        Layout layout = v3H100(64, 64, 1).toBuilder()
                .pp(2)
                .dp(256)
                .stageLayerCounts(List.of(3, 58))
                .expertParallelism(ExpertParallelism.of(64, 1))
                .build();
        PreparedLayout prepared = new CostModel()
                .prepare(V3, MEGATRON_FP8, Cluster.uniform(GpuCatalog.byName("H100-80GB"), 128, 8), layout);
        StageMemory dense = prepared.stageMemory().get(0);
        StageMemory moe = prepared.stageMemory().get(1);

        assertThat(dense.moeLayers()).isZero();
        assertThat(dense.expertStatesBytes()).isZero();
        assertThat(moe.moeLayers()).isEqualTo(58);
        assertThat(moe.expertStatesBytes()).isGreaterThan(0);
        assertThat(moe.weightsBytes()).isGreaterThan(dense.weightsBytes());
        assertThat(prepared.peakMemoryBytes()).isEqualTo(Math.max(dense.totalBytes(), moe.totalBytes()));

        // The even pp-8 split puts the 3 dense layers and 4 MoE layers on stage 0.
        PreparedLayout even = new CostModel()
                .prepare(V3, MEGATRON_FP8, Cluster.uniform(GpuCatalog.byName("H100-80GB"), 128, 8), v3H100(64, 64, 1));
        assertThat(even.stageMemory().get(0).moeLayers()).isEqualTo(4);
        assertThat(even.stageMemory().get(1).moeLayers()).isEqualTo(7);
    }

    /**
     * Qwen3-30B-A3B, tp 1, s 4096, b 1, ep 8, balanced: T = 4096 tokens, k = 8 copies. Attention stores (4·32·128 +
     * 4·4·128)/2048 = 9 and the replicated part 8 (times s·h); the routed experts the received tokens 2h, their fp32
     * probability and the expert GEMM outputs 6·768 per copy, and the router 4·128 B per token.
     */
    @Test
    void moeLayerActivationsByHand() {
        Layout layout = Layout.builder()
                .dp(8)
                .expertParallelism(ExpertParallelism.of(8, 1))
                .build();
        double sh = 4096.0 * 2048;
        double copies = 4096.0 * 8;
        double expected = sh * (8 + 9) + copies * (2 * 2048 + 4 + 6 * 768) + 4096.0 * 128 * 4;

        assertThat(ActivationMemory.attentionCoefficient(QWEN3_30B)).isEqualTo(9.0);
        assertThat(ActivationMemory.moeLayerBytes(QWEN3_30B, 1, layout)).isEqualTo(expected);
        // Full recompute stores the layer input only, as for dense layers.
        assertThat(ActivationMemory.moeLayerBytes(
                        QWEN3_30B,
                        1,
                        layout.toBuilder().recompute(Recompute.FULL).build()))
                .isEqualTo(2 * sh);
    }

    @Test
    void moeActivationsGrowWithTopKAndTheBusiestExpertsLoad() {
        Layout layout = Layout.builder()
                .dp(8)
                .expertParallelism(ExpertParallelism.of(8, 1))
                .build();
        MixtureOfExperts experts = QWEN3_30B.mixtureOfExperts();
        ModelSpec top4 = QWEN3_30B.withMixtureOfExperts(new MixtureOfExperts(128, 4, 768, 0, 0));
        double k8 = ActivationMemory.moeLayerBytes(QWEN3_30B, 1, layout);
        double k4 = ActivationMemory.moeLayerBytes(top4, 1, layout);
        double perCopy = 4096.0 * (2 * 2048 + 4 + 6 * 768);

        assertThat(experts.topK()).isEqualTo(8);
        assertThat(k8 - k4).isEqualTo(4 * perCopy);

        Layout imbalanced = layout.toBuilder()
                .expertParallelism(ExpertParallelism.of(8, 1).withRouting(ExpertRouting.dropless(1.5)))
                .build();
        double busiest = ActivationMemory.moeLayerBytes(QWEN3_30B, 1, imbalanced);
        // The received tokens and the expert GEMM outputs scale with the load; the router logits do not.
        assertThat(busiest - k8).isEqualTo(0.5 * 4096 * 8 * (2 * 2048 + 4 + 6 * 768));
    }

    /** With SP the tokens a GPU dispatches are its s/t shard; etp gathers them back, so the expert input grows by etp. */
    @Test
    void sequenceParallelSplitsTheDispatchedTokensAndEtpGathersThem() {
        Layout tp2 = Layout.builder()
                .tp(2)
                .dp(4)
                .sequenceParallel(true)
                .expertParallelism(ExpertParallelism.of(8, 1))
                .build();
        Layout etp2 =
                tp2.toBuilder().expertParallelism(ExpertParallelism.of(4, 2)).build();
        double copies = 2048.0 * 8;

        assertThat(ActivationMemory.moeLayerBytes(QWEN3_30B, 1, etp2)
                        - ActivationMemory.moeLayerBytes(QWEN3_30B, 1, tp2))
                .isEqualTo(copies * (2 * 2048 + 4));
    }

    /**
     * DeepSeek-V3's MLA (q_lora 1536, kv_lora 512, rope 64, v 128, 128 heads of 128): TP-split tensors
     * 4·128·192 + 4·128·128 per token, latents 4·1536 + 4·512 + 2·64, both over h = 7168.
     */
    @Test
    void latentAttentionActivationsUseTheLatentDimensions() {
        assertThat(ActivationMemory.attentionCoefficient(V3)).isEqualTo((4.0 * 128 * 192 + 4.0 * 128 * 128) / 7168);
        assertThat(ActivationMemory.latentCoefficient(V3)).isEqualTo((4.0 * 1536 + 4.0 * 512 + 2.0 * 64) / 7168);
        assertThat(ActivationMemory.latentCoefficient(QWEN3_30B)).isZero();
    }

    /** ZeRO-3 gathers a layer per GPU: its dense part over tp plus its routed experts over ep·etp. */
    @Test
    void zero3GathersTheLargestLayerAsEachGpuHoldsIt() {
        double unit = V3.parametersOfLayer(3) - V3_ROUTED_PER_LAYER;
        assertThat(V3.layerParametersPerRank(3, 2, 64)).isEqualTo(unit / 2 + V3_ROUTED_PER_LAYER / 64.0);
        assertThat(V3.layerParametersPerRank(0, 2, 64)).isEqualTo(V3.parametersOfLayer(0) / 2.0);
        assertThat(V3.largestLayerParametersPerRank(2, 64))
                .isEqualTo(Math.max(V3.layerParametersPerRank(0, 2, 64), V3.layerParametersPerRank(60, 2, 64)));

        Layout zero3 = v3H100(64, 64, 3).toBuilder().pp(1).dp(512).build();
        StageModelStates states = ModelStateBytes.ofStage(V3, MEGATRON_FP8, zero3, 0, 0, 0);
        double gathered = Math.max(V3.largestLayerParametersPerRank(2, 64), V3.paddedVocabulary(2) * 7168.0 / 2);
        assertThat(states.weightsBytes()).isEqualTo(ModelStateBytes.GATHERED_UNITS * gathered * 2);
    }

    /** Megatron-Core's expert groups: EP, expert-TP and expert-DP communicators where their size is above 1. */
    @Test
    void expertGroupsAddTheirCommunicators() {
        assertThat(RuntimeMemory.expertCommunicators(64, 1, 2)).isEqualTo(2);
        assertThat(RuntimeMemory.expertCommunicators(8, 2, 1)).isEqualTo(2);
        assertThat(RuntimeMemory.expertCommunicators(1, 1, 1)).isZero();
    }
}
