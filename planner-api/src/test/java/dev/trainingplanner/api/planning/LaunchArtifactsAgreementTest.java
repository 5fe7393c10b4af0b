package dev.trainingplanner.api.planning;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainingplanner.api.testing.ApiTestSupport;
import dev.trainingplanner.api.testing.PlanResults;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.PartitionGroups;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.layout.ZeroPlusPlus;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.engine.launch.ArtifactKind;
import dev.trainingplanner.engine.launch.LaunchArtifacts;
import dev.trainingplanner.engine.output.PlanDocuments;
import dev.trainingplanner.engine.output.PlanLaunch;
import dev.trainingplanner.engine.plan.PlanResult;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import dev.trainingplanner.profile.ClusterProfileReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every launchable framework, precision, recompute and ZeRO stage: the launch section of the plan.json that
 * {@code planner plan} writes and the artifacts the API serves for the same plan (generated, as the artifact
 * controller does, from the stored plan document) are the same settings, and each artifact reads as its consumer reads
 * it: Megatron-LM's argument parser, DeepSpeed's config reader, torchrun.
 */
class LaunchArtifactsAgreementTest {

    /** Megatron-LM's argument names (megatron/training/arguments.py) and the values it accepts where it limits them. */
    private static final Set<String> MEGATRON_ARGUMENTS = Set.of(
            "--tensor-model-parallel-size",
            "--pipeline-model-parallel-size",
            "--context-parallel-size",
            "--num-layers-per-virtual-pipeline-stage",
            "--decoder-first-pipeline-num-layers",
            "--decoder-last-pipeline-num-layers",
            "--sequence-parallel",
            "--micro-batch-size",
            "--global-batch-size",
            "--fp16",
            "--bf16",
            "--fp8-format",
            "--fp8-recipe",
            "--fp4-format",
            "--fp4-recipe",
            "--use-distributed-optimizer",
            "--overlap-grad-reduce",
            "--overlap-param-gather",
            "--ddp-bucket-size",
            "--recompute-granularity",
            "--recompute-method",
            "--recompute-num-layers",
            "--num-layers",
            "--hidden-size",
            "--ffn-hidden-size",
            "--num-attention-heads",
            "--group-query-attention",
            "--num-query-groups",
            "--seq-length",
            "--max-position-embeddings",
            "--swiglu",
            "--untie-embeddings-and-output-weights",
            "--normalization",
            "--use-flash-attn");

    private static final Map<String, Set<String>> MEGATRON_CHOICES = Map.of(
            "--recompute-granularity", Set.of("full", "selective"),
            "--recompute-method", Set.of("uniform", "block"),
            "--fp8-format", Set.of("e4m3", "hybrid"),
            "--fp8-recipe", Set.of("delayed", "tensorwise", "mxfp8", "blockwise"),
            "--fp4-format", Set.of("e2m1"),
            "--fp4-recipe", Set.of("nvfp4", "custom"),
            "--normalization", Set.of("LayerNorm", "RMSNorm"));

    /** DeepSpeed config keys (deepspeed/runtime/config.py, zero/config.py, activation_checkpointing/config.py). */
    private static final Set<String> DEEPSPEED_KEYS = Set.of(
            "train_batch_size",
            "train_micro_batch_size_per_gpu",
            "gradient_accumulation_steps",
            "bf16",
            "fp16",
            "zero_optimization",
            "activation_checkpointing");

    /** Keys DeepSpeed does not read, kept in the config for launch scripts. */
    private static final Set<String> LAUNCH_SCRIPT_KEYS = Set.of("pipeline_stages", "tensor_model_parallel_size");

    private static final Set<String> ZERO_KEYS = Set.of(
            "stage",
            "reduce_scatter",
            "overlap_comm",
            "contiguous_gradients",
            "reduce_bucket_size",
            "allgather_bucket_size",
            "stage3_prefetch_bucket_size",
            "zero_hpz_partition_size",
            "zero_quantized_weights",
            "zero_quantized_gradients",
            "mics_shard_size");

    private static final Set<String> CHECKPOINTING_KEYS =
            Set.of("partition_activations", "contiguous_memory_optimization");

    private static final ModelSpec MODEL = ModelPresets.byName("gpt3-1.3b");
    private static final int GLOBAL_BATCH = 64;
    private static final int MICRO_BATCH = 2;
    private static final ProfiledCluster CLUSTER =
            EngineRequests.cluster(new ClusterProfileReader().read(ApiTestSupport.profile("agreement", 4, 8)));

    private final ObjectMapper json = new ObjectMapper();

    static Stream<Arguments> combinations() {
        Map<Framework, List<Integer>> stages = new LinkedHashMap<>();
        stages.put(Framework.MEGATRON, List.of(0, 1));
        stages.put(Framework.DEEPSPEED, List.of(0, 1, 2, 3));
        stages.put(Framework.FSDP, List.of(0, 3));
        List<Arguments> combinations = new ArrayList<>();
        stages.forEach((framework, zeroStages) -> {
            for (Precision precision : Precision.values()) {
                for (Recompute recompute : Recompute.values()) {
                    for (int zeroStage : zeroStages) {
                        combinations.add(Arguments.of(framework, precision, recompute, zeroStage));
                    }
                }
            }
        });
        return combinations.stream();
    }

    /**
     * A layout the framework launches with that stage (as the engine's layout space builds them), using the knobs that
     * appear in the artifacts: interleaving or an uneven split, sequence parallelism, ZeRO++ or MiCS / HSDP groups.
     */
    private static Layout layout(Framework framework, Precision precision, Recompute recompute, int zeroStage) {
        Layout.Builder layout = Layout.builder()
                .tp(2)
                .recompute(recompute)
                .zeroStage(zeroStage)
                .sequenceParallel(framework != Framework.DEEPSPEED);
        if (zeroStage >= 2) {
            layout.pp(1).dp(16);
        } else {
            layout.pp(2).dp(8);
            if (zeroStage == 1 || framework != Framework.MEGATRON) {
                layout.stageLayerCounts(List.of(11, 13));
            } else {
                layout.virtualStages(2);
            }
        }
        if (zeroStage == 3 && framework == Framework.DEEPSPEED && precision != Precision.FP16) {
            layout.zeroPlusPlus(new ZeroPlusPlus(true, 8, true));
        } else if (zeroStage == 3) {
            layout.partitionGroups(new PartitionGroups(8, 8, 8));
        }
        return layout.build();
    }

    @ParameterizedTest(name = "{0} {1} recompute {2} ZeRO {3}")
    @MethodSource("combinations")
    void planJsonAndTheServedArtifactsAreTheSameSettings(
            Framework framework, Precision precision, Recompute recompute, int zeroStage) throws Exception {
        Placement placement =
                Placement.packed(CLUSTER.cluster(), 32).withNodesSwapped(0, 3).withGpusSwapped(1, 0, 5);
        PlanResult result = PlanResults.of(
                CLUSTER,
                MODEL,
                framework,
                precision,
                GLOBAL_BATCH,
                MICRO_BATCH,
                layout(framework, precision, recompute, zeroStage),
                placement);

        JsonNode planJson = json.readTree(PlanDocuments.toJson(PlanDocuments.from(result)));
        JsonNode launch = planJson.get("launch");
        Map<ArtifactKind, String> served = served(result);

        Map<String, String> megatron = megatronArguments(served.get(ArtifactKind.MEGATRON_ARGS));
        JsonNode deepSpeed = json.readTree(served.get(ArtifactKind.DEEPSPEED_CONFIG));
        checkMegatronArguments(megatron, precision, recompute);
        checkDeepSpeedConfig(deepSpeed, precision, recompute, zeroStage);
        checkRankOrder(planJson, json.readTree(served.get(ArtifactKind.RANK_MAP)), served.get(ArtifactKind.HOSTFILE));
        JsonNode frameworkArguments = launch.get("frameworkArguments");
        switch (framework) {
            case MEGATRON -> assertThat(megatron).isEqualTo(megatronArguments(frameworkArguments));
            case DEEPSPEED -> assertThat(deepSpeed).isEqualTo(frameworkArguments);
            case FSDP -> assertThat(
                            frameworkArguments.get("activation_checkpoint.mode").asText())
                    .isEqualTo(recompute.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** What the artifact controller serves: the engine's artifacts of the document as stored, read back. */
    private Map<ArtifactKind, String> served(PlanResult result) throws Exception {
        ObjectNode stored = json.createObjectNode();
        stored.set("plan", new PlanJson(json).of(result));
        stored.put("predictedIterationSeconds", result.best().estimate().iterationTimeSeconds());
        LaunchArtifacts artifacts =
                PlanLaunch.artifacts(StoredPlans.read(json.readTree(json.writeValueAsString(stored))), MODEL);
        Map<ArtifactKind, String> served = new HashMap<>();
        for (ArtifactKind kind : ArtifactKind.values()) {
            served.put(kind, artifacts.render(kind));
        }
        return served;
    }

    private static void checkMegatronArguments(Map<String, String> args, Precision precision, Recompute recompute) {
        assertThat(MEGATRON_ARGUMENTS).containsAll(args.keySet());
        MEGATRON_CHOICES.forEach((name, choices) -> {
            if (args.containsKey(name)) {
                assertThat(choices).contains(args.get(name));
            }
        });
        assertThat(args.containsKey("--fp16")).isEqualTo(precision == Precision.FP16);
        assertThat(args.containsKey("--bf16")).isEqualTo(precision != Precision.FP16);
        assertThat(args.get("--fp8-format"))
                .isEqualTo(
                        switch (precision) {
                            case FP8 -> "hybrid";
                            case MXFP8 -> "e4m3";
                            default -> null;
                        });
        assertThat(args.get("--fp8-recipe")).isEqualTo(precision == Precision.MXFP8 ? "mxfp8" : null);
        assertThat(args.get("--fp4-recipe")).isEqualTo(precision == Precision.NVFP4 ? "nvfp4" : null);
        assertThat(args.get("--recompute-granularity"))
                .isEqualTo(
                        switch (recompute) {
                            case NONE -> null;
                            case SELECTIVE -> "selective";
                            case FULL -> "full";
                        });
        assertThat(Integer.parseInt(args.get("--tensor-model-parallel-size"))
                        * Integer.parseInt(args.get("--pipeline-model-parallel-size"))
                        * Integer.parseInt(args.get("--context-parallel-size")))
                .isIn(2, 4);
        assertThat(args).containsEntry("--global-batch-size", "64").containsEntry("--micro-batch-size", "2");
    }

    private static void checkDeepSpeedConfig(JsonNode config, Precision precision, Recompute recompute, int zero) {
        Iterator<String> keys = config.fieldNames();
        keys.forEachRemaining(key -> assertThat(key).isIn(union(DEEPSPEED_KEYS, LAUNCH_SCRIPT_KEYS)));
        config.get("zero_optimization").fieldNames().forEachRemaining(key -> assertThat(key)
                .isIn(ZERO_KEYS));
        assertThat(config.at("/zero_optimization/stage").asInt()).isEqualTo(zero);
        assertThat(config.at("/bf16/enabled").asBoolean()).isEqualTo(precision != Precision.FP16);
        assertThat(config.at("/fp16/enabled").asBoolean()).isEqualTo(precision == Precision.FP16);
        int dp = 32
                / (config.get("tensor_model_parallel_size").asInt()
                        * config.get("pipeline_stages").asInt());
        assertThat(config.get("train_micro_batch_size_per_gpu").asInt()
                        * config.get("gradient_accumulation_steps").asInt()
                        * dp)
                .isEqualTo(config.get("train_batch_size").asInt())
                .isEqualTo(GLOBAL_BATCH);
        assertThat(config.has("activation_checkpointing")).isEqualTo(recompute == Recompute.FULL);
        if (config.has("activation_checkpointing")) {
            config.get("activation_checkpointing").fieldNames().forEachRemaining(key -> assertThat(key)
                    .isIn(CHECKPOINTING_KEYS));
        }
        if (zero == 3) {
            assertThat(config.at("/zero_optimization/zero_hpz_partition_size").asInt())
                    .isEqualTo(config.at("/zero_optimization/mics_shard_size").isMissingNode() ? 8 : 1);
        }
    }

    /**
     * torchrun gives global rank {@code nodeRank·g + localRank} the local rank's device of CUDA_VISIBLE_DEVICES: every
     * rank of plan.json's placement runs where the rank map and the hostfile put it, in plan.json's node and GPU order.
     */
    private static void checkRankOrder(JsonNode planJson, JsonNode rankMap, String hostfile) {
        int g = rankMap.get("nprocPerNode").asInt();
        JsonNode launch = planJson.get("launch");
        assertThat(rankMap.get("nnodes").asInt())
                .isEqualTo(launch.get("nodeOrder").size());
        assertThat(rankMap.get("worldSize").asInt())
                .isEqualTo(rankMap.get("nnodes").asInt() * g)
                .isEqualTo(planJson.get("placement").size());
        List<String> hosts = hostfile.lines().toList();
        Map<Integer, String> placed = new HashMap<>();
        for (JsonNode node : rankMap.get("nodes")) {
            int nodeRank = node.get("nodeRank").asInt();
            String name = node.get("node").asText();
            String[] devices = node.get("CUDA_VISIBLE_DEVICES").asText().split(",");
            assertThat(name).isEqualTo(launch.at("/nodeOrder/" + nodeRank).asText());
            assertThat(hosts.get(nodeRank)).isEqualTo(name + " slots=" + g);
            assertThat(node.get("command").asText())
                    .startsWith("CUDA_VISIBLE_DEVICES="
                            + node.get("CUDA_VISIBLE_DEVICES").asText() + " torchrun ")
                    .contains(" --nnodes=" + rankMap.get("nnodes").asInt(), " --nproc-per-node=" + g)
                    .contains(
                            " --node-rank=" + nodeRank,
                            " --master-addr=" + rankMap.get("masterAddr").asText());
            for (int local = 0; local < g; local++) {
                assertThat(node.at("/globalRanks/" + local).asInt()).isEqualTo(nodeRank * g + local);
                assertThat(launch.at("/gpuOrder/" + nodeRank + "/" + local).asText())
                        .isEqualTo(devices[local]);
                placed.put(nodeRank * g + local, name + "/" + devices[local]);
            }
        }
        for (JsonNode rank : planJson.get("placement")) {
            assertThat(placed.get(rank.get("rank").asInt()))
                    .isEqualTo(rank.get("node").asText() + "/" + rank.get("gpu").asInt());
        }
    }

    /** Megatron's command line as its parser reads it: {@code --name value}, or {@code --name} for a switch. */
    private static Map<String, String> megatronArguments(String text) {
        Map<String, String> args = new LinkedHashMap<>();
        for (String line : text.split(" \\\\\n")) {
            String[] parts = line.trim().split("\\s+", 2);
            assertThat(parts[0]).startsWith("--");
            assertThat(args.put(parts[0], parts.length > 1 ? parts[1] : "")).isNull();
        }
        return args;
    }

    /** plan.json's Megatron arguments as a command line would carry them ({@code true}: a switch). */
    private static Map<String, String> megatronArguments(JsonNode arguments) {
        Map<String, String> args = new LinkedHashMap<>();
        arguments
                .fields()
                .forEachRemaining(e -> args.put(
                        e.getKey(), e.getValue().isBoolean() ? "" : e.getValue().asText()));
        return args;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
