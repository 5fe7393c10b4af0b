package dev.trainingplanner.engine.launch;

import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.model.LatentAttention;
import dev.trainingplanner.costmodel.model.MlpKind;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.model.NormKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Megatron-LM {@code pretrain_gpt.py} arguments of a plan, with the names of Megatron-LM's argument parser
 * ({@code megatron/training/arguments.py}). A switch maps to {@code true}; the text form has one argument per line.
 */
final class MegatronArguments {

    private MegatronArguments() {}

    static Map<String, Object> of(LaunchInput input) {
        Layout l = input.layout();
        ModelSpec model = input.model();
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("--tensor-model-parallel-size", l.tp());
        args.put("--pipeline-model-parallel-size", l.pp());
        args.put("--context-parallel-size", l.cp());
        if (l.virtualStages() > 1) {
            args.put("--num-layers-per-virtual-pipeline-stage", model.layers() / (l.pp() * l.virtualStages()));
        }
        if (!l.stageLayerCounts().isEmpty()) {
            // Megatron-Core splits the remaining layers evenly over the middle stages, as the planner's splits do.
            args.put("--decoder-first-pipeline-num-layers", l.stageLayerCounts().get(0));
            args.put(
                    "--decoder-last-pipeline-num-layers",
                    l.stageLayerCounts().get(l.stageLayerCounts().size() - 1));
        }
        if (l.sequenceParallel()) {
            args.put("--sequence-parallel", true);
        }
        args.put("--micro-batch-size", input.microBatchSequences());
        args.put("--global-batch-size", input.globalBatchSequences());
        switch (input.precision()) {
            case FP16 -> args.put("--fp16", true);
            case BF16 -> args.put("--bf16", true);
            case FP8 -> {
                // FP8 GEMMs through Transformer Engine with bf16 elsewhere; hybrid = E4M3 forward, E5M2 gradients.
                args.put("--bf16", true);
                args.put("--fp8-format", "hybrid");
            }
            case MXFP8 -> {
                // Blackwell block-scaled FP8 (Megatron-Core --fp8-recipe mxfp8): E4M3 in both passes.
                args.put("--bf16", true);
                args.put("--fp8-format", "e4m3");
                args.put("--fp8-recipe", "mxfp8");
            }
            case NVFP4 -> {
                // NVFP4 GEMMs through Transformer Engine (Megatron-Core --fp4-format / --fp4-recipe), bf16 elsewhere.
                args.put("--bf16", true);
                args.put("--fp4-format", "e2m1");
                args.put("--fp4-recipe", "nvfp4");
            }
        }
        if (l.zeroStage() >= 1) {
            args.put("--use-distributed-optimizer", true);
        }
        if (l.dp() * l.cp() > 1) {
            // The prediction hides gradient buckets behind the last backward and, with the distributed optimizer,
            // parameter all-gathers behind the next forward (cost-models DataParallelTime), in these buckets.
            args.put("--overlap-grad-reduce", true);
            if (l.zeroStage() >= 1) {
                args.put("--overlap-param-gather", true);
            }
            args.put("--ddp-bucket-size", (long) input.buckets().reduceBucketParameters());
        }
        switch (l.recompute()) {
            case SELECTIVE -> args.put("--recompute-granularity", "selective");
            case FULL -> {
                // Every layer keeps only its input, as the cost model's full recompute assumes.
                args.put("--recompute-granularity", "full");
                args.put("--recompute-method", "uniform");
                args.put("--recompute-num-layers", 1);
            }
            case NONE -> {}
        }
        args.put("--num-layers", model.layers());
        args.put("--hidden-size", model.hiddenSize());
        args.put("--ffn-hidden-size", model.ffnHiddenSize());
        args.put("--num-attention-heads", model.attentionHeads());
        if (model.latentAttention().isPresent()) {
            // Multi-head Latent Attention (MLATransformerConfig): the non-rotary query/key part is the head dim.
            LatentAttention mla = model.latentAttention();
            args.put("--multi-latent-attention", true);
            if (mla.qLoraRank() > 0) {
                args.put("--q-lora-rank", mla.qLoraRank());
            }
            args.put("--kv-lora-rank", mla.kvLoraRank());
            args.put("--qk-head-dim", model.headDim());
            args.put("--qk-pos-emb-head-dim", mla.qkRopeHeadDim());
            args.put("--v-head-dim", mla.vHeadDim());
        } else if (model.kvHeads() != model.attentionHeads()) {
            args.put("--group-query-attention", true);
            args.put("--num-query-groups", model.kvHeads());
        }
        if (model.headDim() * model.attentionHeads() != model.hiddenSize()) {
            // Heads not hidden/heads wide (Qwen3, GPT-OSS): Megatron's kv_channels is the head dimension.
            args.put("--kv-channels", model.headDim());
        }
        args.put("--seq-length", model.sequenceLength());
        args.put("--max-position-embeddings", model.sequenceLength());
        if (model.mlp() == MlpKind.SWIGLU) {
            args.put("--swiglu", true);
        }
        if (!model.tiedEmbeddings()) {
            args.put("--untie-embeddings-and-output-weights", true);
        }
        args.put("--normalization", model.norm() == NormKind.RMS_NORM ? "RMSNorm" : "LayerNorm");
        MegatronExpertArguments.put(args, input);
        if (model.flashAttention()) {
            args.put("--use-flash-attn", true);
        }
        return args;
    }

    /**
     * One argument per line, continued with a backslash, as a shell script passes them; a value with characters the
     * shell would interpret (the list expression of {@code --moe-layer-freq}) is single-quoted.
     */
    static String text(Map<String, Object> args) {
        List<String> lines = new ArrayList<>(args.size());
        args.forEach((name, value) -> lines.add(Boolean.TRUE.equals(value) ? name : name + " " + shellWord(value)));
        return String.join(" \\\n", lines) + "\n";
    }

    private static String shellWord(Object value) {
        String text = String.valueOf(value);
        return SHELL_SAFE.matcher(text).matches() ? text : "'" + text.replace("'", "'\\''") + "'";
    }

    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9._,:/=+-]+");
}
