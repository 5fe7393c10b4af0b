package dev.trainingplanner.engine.launch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.PartitionGroups;
import dev.trainingplanner.costmodel.layout.Recompute;
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
        List<NodeLaunch> nodes = List.of(
                new NodeLaunch("node-b", 0, List.of(3, 2, 1, 0, 7, 6, 5, 4)),
                new NodeLaunch("node-a", 1, List.of(0, 1, 2, 3, 4, 5, 6, 7)));
        return LaunchArtifacts.of(
                new LaunchInput(framework, precision, ModelPresets.byName("llama3-70b"), 64, 1, layout, nodes));
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
}
