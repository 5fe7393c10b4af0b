package dev.trainingplanner.engine.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.layout.ExpertParallelism;
import dev.trainingplanner.costmodel.layout.ExpertRouting;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.PartitionGroups;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.layout.TokenDispatcher;
import dev.trainingplanner.costmodel.layout.ZeroPlusPlus;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each launch artifact says for the knobs that only some plans have. */
class LaunchArtifactsTest {

    private static LaunchArtifacts artifacts(Framework framework, Precision precision, Layout layout) {
        return artifacts(framework, precision, "llama3-70b", layout);
    }

    private static LaunchArtifacts artifacts(Framework framework, Precision precision, String model, Layout layout) {
        List<NodeLaunch> nodes = List.of(
                new NodeLaunch("node-b", 0, List.of(3, 2, 1, 0, 7, 6, 5, 4)),
                new NodeLaunch("node-a", 1, List.of(0, 1, 2, 3, 4, 5, 6, 7)));
        return LaunchArtifacts.of(
                new LaunchInput(framework, precision, ModelPresets.byName(model), 64, 1, layout, nodes));
    }

    private static Layout expertLayout(ExpertParallelism experts) {
        return Layout.builder()
                .tp(2)
                .dp(8)
                .sequenceParallel(true)
                .zeroStage(1)
                .expertParallelism(experts)
                .build();
    }

    @Test
    void anUnevenSplitBecomesMegatronsFirstAndLastStageLayerCountsAndPrecisionItsFlags() {
        Layout split = Layout.builder()
                .tp(2)
                .pp(4)
                .dp(2)
                .recompute(Recompute.SELECTIVE)
                .stageLayerCounts(List.of(19, 21, 21, 19))
                .build();

        Map<String, Object> args =
                artifacts(Framework.MEGATRON, Precision.FP8, split).megatronArguments();

        assertThat(args)
                .containsEntry("--decoder-first-pipeline-num-layers", 19)
                .containsEntry("--decoder-last-pipeline-num-layers", 19)
                .containsEntry("--num-layers", 80)
                .containsEntry("--bf16", true)
                .containsEntry("--fp8-format", "hybrid")
                .containsEntry("--recompute-granularity", "selective")
                .doesNotContainKeys("--fp16", "--recompute-method");
        assertThat(artifacts(Framework.MEGATRON, Precision.FP16, Layout.of(2, 4, 2))
                        .megatronArguments())
                .containsEntry("--fp16", true)
                .doesNotContainKeys("--bf16", "--decoder-first-pipeline-num-layers", "--recompute-granularity");
        assertThat(artifacts(Framework.MEGATRON, Precision.BF16, Layout.of(2, 4, 2))
                        .render(ArtifactKind.MEGATRON_ARGS))
                .startsWith("--tensor-model-parallel-size 2 \\\n--pipeline-model-parallel-size 4 \\\n")
                .contains("\\\n--bf16 \\\n")
                .endsWith("--use-flash-attn\n");
    }

    @Test
    void blockScaledPrecisionsBecomeTransformerEngineRecipes() {
        assertThat(artifacts(Framework.MEGATRON, Precision.MXFP8, Layout.of(2, 4, 2))
                        .megatronArguments())
                .containsEntry("--bf16", true)
                .containsEntry("--fp8-format", "e4m3")
                .containsEntry("--fp8-recipe", "mxfp8")
                .doesNotContainKeys("--fp4-format");
        assertThat(artifacts(Framework.MEGATRON, Precision.NVFP4, Layout.of(2, 4, 2))
                        .megatronArguments())
                .containsEntry("--bf16", true)
                .containsEntry("--fp4-format", "e2m1")
                .containsEntry("--fp4-recipe", "nvfp4")
                .doesNotContainKeys("--fp8-format");
        assertThat(artifacts(Framework.DEEPSPEED, Precision.NVFP4, Layout.of(1, 1, 16))
                        .settings()
                        .trainingCodeChanges())
                .anyMatch(change -> change.startsWith("NVFP4 GEMMs") && change.contains("NVFP4BlockScaling"));
    }

    @Test
    void deepSpeedGetsItsPrecisionBlocksZeroSectionAndFullCheckpointingOnly() {
        Layout mics = Layout.builder()
                .dp(16)
                .zeroStage(3)
                .recompute(Recompute.FULL)
                .partitionGroups(new PartitionGroups(8, 8, 8))
                .build();
        Layout zeroPlusPlus = Layout.builder()
                .dp(16)
                .zeroStage(3)
                .recompute(Recompute.SELECTIVE)
                .zeroPlusPlus(new ZeroPlusPlus(true, 8, true))
                .build();

        LaunchArtifacts fp16 = artifacts(Framework.DEEPSPEED, Precision.FP16, mics);
        LaunchArtifacts bf16 = artifacts(Framework.DEEPSPEED, Precision.BF16, zeroPlusPlus);

        assertThat(fp16.deepSpeedConfig())
                .containsEntry("fp16", Map.of("enabled", true))
                .containsEntry("bf16", Map.of("enabled", false))
                .containsEntry("gradient_accumulation_steps", 4)
                .containsKey("activation_checkpointing");
        assertThat(fp16.deepSpeedConfig().get("zero_optimization").toString())
                .contains("mics_shard_size=8", "zero_hpz_partition_size=1");
        assertThat(bf16.deepSpeedConfig())
                .containsEntry("bf16", Map.of("enabled", true))
                .doesNotContainKey("activation_checkpointing");
        assertThat(bf16.deepSpeedConfig().get("zero_optimization").toString())
                .contains("zero_hpz_partition_size=8", "zero_quantized_weights=true", "zero_quantized_gradients=true")
                .doesNotContain("mics_shard_size");
        assertThat(bf16.settings().trainingCodeChanges())
                .singleElement()
                .asString()
                .startsWith("selective activation recompute");
    }

    @Test
    void launchesCarryTheBucketSizesThePredictionAssumed() {
        Layout zero3 = Layout.builder().dp(16).zeroStage(3).build();
        assertThat(artifacts(Framework.DEEPSPEED, Precision.BF16, zero3)
                        .deepSpeedConfig()
                        .get("zero_optimization")
                        .toString())
                .contains(
                        "stage3_prefetch_bucket_size=50000000",
                        "reduce_bucket_size=500000000",
                        "allgather_bucket_size=500000000");
        // Megatron-Core's default bucket, max(4e7, 1e6·dp), overlapped as the prediction assumes.
        Layout distributedOptimizer = Layout.builder().tp(1).dp(64).zeroStage(1).build();
        assertThat(artifacts(Framework.MEGATRON, Precision.BF16, distributedOptimizer)
                        .megatronArguments())
                .containsEntry("--ddp-bucket-size", 64_000_000L)
                .containsEntry("--overlap-grad-reduce", true)
                .containsEntry("--overlap-param-gather", true);
        assertThat(artifacts(Framework.MEGATRON, Precision.BF16, Layout.of(2, 4, 2))
                        .megatronArguments())
                .containsEntry("--ddp-bucket-size", 40_000_000L)
                .doesNotContainKey("--overlap-param-gather");
    }

    @Test
    void torchrunRunsEveryRankOnThePlannedGpu() {
        LaunchArtifacts artifacts = artifacts(Framework.FSDP, Precision.BF16, Layout.of(2, 1, 8));

        assertThat(artifacts.hostfile()).isEqualTo("node-b slots=8\nnode-a slots=8\n");
        assertThat(artifacts.render(ArtifactKind.RANK_MAP))
                .contains("\"CUDA_VISIBLE_DEVICES\" : \"3,2,1,0,7,6,5,4\"")
                .contains("\"globalRanks\" : [ 8, 9, 10, 11, 12, 13, 14, 15 ]")
                .contains("CUDA_VISIBLE_DEVICES=0,1,2,3,4,5,6,7 torchrun --nnodes=2 --nproc-per-node=8 --node-rank=1"
                        + " --master-addr=node-b --master-port=29500 <training script>");
        assertThat(artifacts.settings().nodeOrder()).containsExactly("node-b", "node-a");
        assertThat(artifacts.settings().frameworkArguments())
                .containsEntry("parallelism.data_parallel_shard_degree", 1)
                .containsEntry("training.mixed_precision_param", "bfloat16");
    }

    @Test
    void megatronCarriesTheExpertLayoutAndDeepSeekV3sLatentAttentionAndDenseLeadingLayers() {
        Layout layout =
                expertLayout(new ExpertParallelism(8, 1, TokenDispatcher.HIERARCHICAL, true, ExpertRouting.BALANCED));

        LaunchArtifacts artifacts = artifacts(Framework.MEGATRON, Precision.BF16, "deepseek-v3", layout);

        assertThat(artifacts.megatronArguments())
                .containsEntry("--num-experts", 256)
                .containsEntry("--moe-router-topk", 8)
                .containsEntry("--moe-ffn-hidden-size", 2048)
                .containsEntry("--moe-shared-expert-intermediate-size", 2048)
                .containsEntry("--moe-layer-freq", "([0]*3+[1]*58)")
                .containsEntry("--expert-model-parallel-size", 8)
                .containsEntry("--expert-tensor-parallel-size", 1)
                .containsEntry("--moe-token-dispatcher-type", "flex")
                .containsEntry("--moe-flex-dispatcher-backend", "deepep")
                .containsEntry("--moe-grouped-gemm", true)
                .containsEntry("--overlap-moe-expert-parallel-comm", true)
                .containsEntry("--multi-latent-attention", true)
                .containsEntry("--q-lora-rank", 1536)
                .containsEntry("--kv-lora-rank", 512)
                .containsEntry("--qk-head-dim", 128)
                .containsEntry("--qk-pos-emb-head-dim", 64)
                .containsEntry("--v-head-dim", 128)
                .containsEntry("--ffn-hidden-size", 18432)
                .doesNotContainKeys("--group-query-attention", "--moe-expert-capacity-factor");
        // The list expression reaches Megatron's parser intact through the shell.
        assertThat(artifacts.render(ArtifactKind.MEGATRON_ARGS)).contains("\n--moe-layer-freq '([0]*3+[1]*58)' \\\n");
    }

    @Test
    void megatronNamesEachDispatcherAndACapacityFactorAndQwenHeadsGetKvChannels() {
        Layout allGather = expertLayout(ExpertParallelism.of(4, 2)
                .withDispatcher(TokenDispatcher.ALLGATHER)
                .withRouting(ExpertRouting.capacity(1.25)));

        Map<String, Object> args = artifacts(Framework.MEGATRON, Precision.BF16, "qwen3-235b-a22b", allGather)
                .megatronArguments();

        assertThat(args)
                .containsEntry("--moe-token-dispatcher-type", "allgather")
                .containsEntry("--expert-tensor-parallel-size", 2)
                .containsEntry("--moe-expert-capacity-factor", 1.25)
                .containsEntry("--moe-pad-expert-input-to-capacity", true)
                .containsEntry("--kv-channels", 128)
                .containsEntry("--num-query-groups", 4)
                .doesNotContainKeys(
                        "--moe-layer-freq",
                        "--moe-shared-expert-intermediate-size",
                        "--overlap-moe-expert-parallel-comm",
                        "--multi-latent-attention",
                        "--moe-flex-dispatcher-backend");
        assertThat(artifacts(
                                Framework.MEGATRON,
                                Precision.BF16,
                                "qwen3-30b-a3b",
                                expertLayout(ExpertParallelism.of(8, 1)))
                        .megatronArguments())
                .containsEntry("--moe-token-dispatcher-type", "alltoall");
        // A dense model has no MoE arguments whatever the layout says, and Llama's heads are hidden/heads wide.
        assertThat(artifacts(Framework.MEGATRON, Precision.BF16, expertLayout(ExpertParallelism.of(8, 1)))
                        .megatronArguments())
                .doesNotContainKeys("--num-experts", "--moe-token-dispatcher-type", "--kv-channels");
    }

    @Test
    void deepSpeedPutsEpSizeInTheModelCodesMoeLayerAndTorchtitanItsExpertDegree() {
        Layout layout = expertLayout(ExpertParallelism.of(4, 2));

        LaunchArtifacts deepSpeed = artifacts(Framework.DEEPSPEED, Precision.BF16, "mixtral-8x7b", layout);

        assertThat(deepSpeed.deepSpeedConfig().get("moe"))
                .isEqualTo(Map.of(
                        "num_experts", 8,
                        "ep_size", 4,
                        "k", 2,
                        "enable_expert_tensor_parallelism", true,
                        "drop_tokens", false));
        assertThat(deepSpeed.settings().trainingCodeChanges())
                .singleElement()
                .asString()
                .contains("deepspeed.moe.layer.MoE(hidden_size=4096, expert=<the MLP, 14336 wide>, num_experts=8, "
                        + "ep_size=4, k=2, enable_expert_tensor_parallelism=True, drop_tokens=False)")
                .contains("split_params_into_different_moe_groups_for_optimizer");
        assertThat(artifacts(Framework.DEEPSPEED, Precision.BF16, Layout.of(2, 1, 8))
                        .deepSpeedConfig())
                .doesNotContainKey("moe");

        assertThat(artifacts(Framework.FSDP, Precision.BF16, "mixtral-8x7b", layout)
                        .settings()
                        .frameworkArguments())
                .containsEntry("parallelism.expert_parallel_degree", 4)
                .containsEntry("parallelism.expert_tensor_parallel_degree", 2);
        Layout flex = expertLayout(ExpertParallelism.of(4, 1).withDispatcher(TokenDispatcher.HIERARCHICAL));
        assertThatThrownBy(() -> artifacts(Framework.FSDP, Precision.BF16, "mixtral-8x7b", flex)
                        .frameworkArguments())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("torchtitan dispatches MoE tokens by all-to-all without overlap")
                .hasMessageContaining("hierarchical");
    }
}
