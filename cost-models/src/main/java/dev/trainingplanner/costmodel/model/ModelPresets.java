package dev.trainingplanner.costmodel.model;

import dev.trainingplanner.costmodel.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Well-known architectures, named in lower case with hyphens. Shapes are the published configurations (Megatron-LM /
 * Hugging Face configs); the sequence length is the one the model was pretrained with.
 */
public final class ModelPresets {

    private static final Map<String, ModelSpec> PRESETS = new LinkedHashMap<>();

    static {
        gelu("gpt3-1.3b", 24, 2048, 16, 50257, 2048);
        gelu("gpt3-2.7b", 32, 2560, 32, 50257, 2048);
        gelu("gpt3-6.7b", 32, 4096, 32, 50257, 2048);
        gelu("gpt3-13b", 40, 5120, 40, 50257, 2048);
        gelu("gpt3-175b", 96, 12288, 96, 50257, 2048);
        add(new ModelSpec("bloom-176b", 70, 14336, 57344, 112, 112, 250880, 2048, MlpKind.GELU, true, false));
        swiglu("llama2-7b", 32, 4096, 11008, 32, 32, 32000, 4096);
        swiglu("llama2-13b", 40, 5120, 13824, 40, 40, 32000, 4096);
        swiglu("llama2-70b", 80, 8192, 28672, 64, 8, 32000, 4096);
        swiglu("llama3-8b", 32, 4096, 14336, 32, 8, 128256, 8192);
        swiglu("llama3-70b", 80, 8192, 28672, 64, 8, 128256, 8192);
        swiglu("llama3.1-8b", 32, 4096, 14336, 32, 8, 128256, 8192);
        swiglu("llama3.1-70b", 80, 8192, 28672, 64, 8, 128256, 8192);
        swiglu("llama3.1-405b", 126, 16384, 53248, 128, 8, 128256, 8192);
        swiglu("mistral-7b", 32, 4096, 14336, 32, 8, 32000, 8192);
        add(new ModelSpec(
                "nemotron4-340b",
                96,
                18432,
                73728,
                96,
                8,
                256000,
                4096,
                MlpKind.GELU,
                false,
                true,
                NormKind.LAYER_NORM));
        // Mixture-of-experts models, from their Hugging Face config.json files (all layers MoE, SwiGLU experts,
        // RMSNorm,
        // untied embeddings unless noted). GPT-OSS's attention sinks, alternating 128-token sliding-window layers and
        // linear biases are not modelled: every layer is priced as full causal attention and biases are not counted
        // (see the module README).
        moe("mixtral-8x7b", 32, 4096, 32, 8, 128, 32000, 32768, new MixtureOfExperts(8, 2, 14336, 0, 0));
        moe("mixtral-8x22b", 56, 6144, 48, 8, 128, 32768, 65536, new MixtureOfExperts(8, 2, 16384, 0, 0));
        moe("qwen3-30b-a3b", 48, 2048, 32, 4, 128, 151936, 4096, new MixtureOfExperts(128, 8, 768, 0, 0));
        moe("qwen3-235b-a22b", 94, 4096, 64, 4, 128, 151936, 4096, new MixtureOfExperts(128, 8, 1536, 0, 0));
        moe("gpt-oss-120b", 36, 2880, 64, 8, 64, 201088, 4096, new MixtureOfExperts(128, 4, 2880, 0, 0));
        // DeepSeek-V3 (arXiv 2412.19437 §4.2): 61 layers, the first 3 dense (ffn 18432), 256 routed experts top-8 plus
        // 1 shared (2048 wide), MLA with 128 heads; the multi-token-prediction module is not part of the model.
        add(new ModelSpec(
                "deepseek-v3",
                61,
                7168,
                18432,
                128,
                128,
                129280,
                4096,
                MlpKind.SWIGLU,
                false,
                true,
                NormKind.RMS_NORM,
                128,
                new LatentAttention(1536, 512, 64, 128),
                new MixtureOfExperts(256, 8, 2048, 1, 3)));
    }

    private ModelPresets() {}

    private static void gelu(String name, int layers, int hidden, int heads, int vocab, int seq) {
        add(new ModelSpec(name, layers, hidden, 4 * hidden, heads, heads, vocab, seq, MlpKind.GELU, true, true));
    }

    private static void swiglu(String name, int layers, int hidden, int ffn, int heads, int kv, int vocab, int seq) {
        add(new ModelSpec(name, layers, hidden, ffn, heads, kv, vocab, seq, MlpKind.SWIGLU, false, true));
    }

    /** A model whose every layer is MoE; its dense FFN width is recorded as the expert width. */
    private static void moe(
            String name,
            int layers,
            int hidden,
            int heads,
            int kv,
            int headDim,
            int vocab,
            int seq,
            MixtureOfExperts experts) {
        add(new ModelSpec(
                name,
                layers,
                hidden,
                experts.expertFfnHiddenSize(),
                heads,
                kv,
                vocab,
                seq,
                MlpKind.SWIGLU,
                false,
                true,
                NormKind.RMS_NORM,
                headDim,
                LatentAttention.NONE,
                experts));
    }

    private static void add(ModelSpec spec) {
        PRESETS.put(spec.name(), spec);
    }

    /** The preset called {@code name} (case-insensitive); unknown names list the known ones. */
    public static ModelSpec byName(String name) {
        ModelSpec spec = name == null ? null : PRESETS.get(name.trim().toLowerCase(Locale.ROOT));
        if (spec == null) {
            throw new InvalidInputException("unknown model preset '" + name + "'; known presets: " + names());
        }
        return spec;
    }

    public static List<String> names() {
        return List.copyOf(PRESETS.keySet());
    }
}
