package dev.trainingplanner.costmodel.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.costmodel.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Custom models as JSON with the field names of {@link ModelSpec}. Optional fields: {@code ffnHiddenSize} (default
 * 4·hiddenSize), {@code kvHeads} (default attentionHeads), {@code mlp} ({@code gelu}), {@code tiedEmbeddings}
 * ({@code false}), {@code flashAttention} ({@code true}), {@code norm} ({@code rms_norm} with SwiGLU, else
 * {@code layer_norm}), {@code name} (file name), {@code head_dim} (hiddenSize/attentionHeads), and the
 * mixture-of-experts and latent-attention fields under the names of the calibration file's columns, all 0 = absent:
 * {@code num_experts}, {@code top_k}, {@code moe_ffn_hidden}, {@code shared_experts}, {@code moe_dense_layers},
 * {@code q_lora_rank}, {@code kv_lora_rank}, {@code qk_rope_head_dim}, {@code v_head_dim}.
 */
public final class ModelSpecJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ModelSpecJson() {}

    public static ModelSpec read(Path file) {
        try {
            return parse(Files.readString(file), file.getFileName().toString());
        } catch (IOException e) {
            throw new InvalidInputException("cannot read model file " + file + ": " + e.getMessage());
        }
    }

    public static ModelSpec parse(String json, String defaultName) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("model JSON is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInputException("model JSON must be an object with the fields of ModelSpec");
        }
        int hidden = requiredInt(root, "hiddenSize");
        int heads = requiredInt(root, "attentionHeads");
        MlpKind mlp = enumField(root, "mlp", MlpKind.class, MlpKind.GELU);
        MixtureOfExperts moe = new MixtureOfExperts(
                optionalCount(root, "num_experts"),
                optionalCount(root, "top_k"),
                optionalCount(root, "moe_ffn_hidden"),
                optionalCount(root, "shared_experts"),
                optionalCount(root, "moe_dense_layers"));
        LatentAttention mla = new LatentAttention(
                optionalCount(root, "q_lora_rank"),
                optionalCount(root, "kv_lora_rank"),
                optionalCount(root, "qk_rope_head_dim"),
                optionalCount(root, "v_head_dim"));
        return new ModelSpec(
                root.path("name").asText(defaultName),
                requiredInt(root, "layers"),
                hidden,
                optionalInt(root, "ffnHiddenSize", 4 * hidden),
                heads,
                optionalInt(root, "kvHeads", heads),
                requiredInt(root, "vocabularySize"),
                requiredInt(root, "sequenceLength"),
                mlp,
                root.path("tiedEmbeddings").asBoolean(false),
                root.path("flashAttention").asBoolean(true),
                enumField(
                        root, "norm", NormKind.class, mlp == MlpKind.SWIGLU ? NormKind.RMS_NORM : NormKind.LAYER_NORM),
                optionalCount(root, "head_dim"),
                mla,
                moe);
    }

    /** The JSON form of {@code spec}, readable by {@link #parse}. */
    public static String write(ModelSpec spec) {
        var node = MAPPER.createObjectNode()
                .put("name", spec.name())
                .put("layers", spec.layers())
                .put("hiddenSize", spec.hiddenSize())
                .put("ffnHiddenSize", spec.ffnHiddenSize())
                .put("attentionHeads", spec.attentionHeads())
                .put("kvHeads", spec.kvHeads())
                .put("vocabularySize", spec.vocabularySize())
                .put("sequenceLength", spec.sequenceLength())
                .put("mlp", spec.mlp().name().toLowerCase(Locale.ROOT))
                .put("tiedEmbeddings", spec.tiedEmbeddings())
                .put("flashAttention", spec.flashAttention())
                .put("norm", spec.norm().name().toLowerCase(Locale.ROOT))
                .put("head_dim", spec.headDim());
        MixtureOfExperts moe = spec.mixtureOfExperts();
        if (moe.isPresent()) {
            node.put("num_experts", moe.routedExperts())
                    .put("top_k", moe.topK())
                    .put("moe_ffn_hidden", moe.expertFfnHiddenSize())
                    .put("shared_experts", moe.sharedExperts())
                    .put("moe_dense_layers", moe.leadingDenseLayers());
        }
        LatentAttention mla = spec.latentAttention();
        if (mla.isPresent()) {
            node.put("q_lora_rank", mla.qLoraRank())
                    .put("kv_lora_rank", mla.kvLoraRank())
                    .put("qk_rope_head_dim", mla.qkRopeHeadDim())
                    .put("v_head_dim", mla.vHeadDim());
        }
        return node.toPrettyString();
    }

    private static int requiredInt(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidInputException("model JSON lacks the required field '" + field + "'");
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw new InvalidInputException("model JSON field '" + field + "' must be an integer, got " + value);
        }
        return value.intValue();
    }

    private static int optionalInt(JsonNode root, String field, int fallback) {
        JsonNode value = root.get(field);
        return value == null || value.isNull() ? fallback : requiredInt(root, field);
    }

    /** An optional count (0 = absent) of the MoE and latent-attention fields. */
    private static int optionalCount(JsonNode root, String field) {
        int value = optionalInt(root, field, 0);
        if (value < 0) {
            throw new InvalidInputException("model JSON field '" + field + "' must be at least 0, got " + value);
        }
        return value;
    }

    private static <E extends Enum<E>> E enumField(JsonNode root, String field, Class<E> type, E fallback) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        try {
            return Enum.valueOf(type, value.asText().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(
                    "model JSON field '" + field + "' has unknown value '" + value.asText() + "'; expected one of "
                            + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
        }
    }
}
