package dev.trainingplanner.api.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.api.cluster.Clusters;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Presets plus custom model definitions (the field names of the cost models' {@code ModelSpec}). */
@RestController
@RequestMapping("/api/v1/models")
class ModelController {

    private final Models models;
    private final ObjectMapper json;

    ModelController(Models models, ObjectMapper json) {
        this.models = models;
        this.json = json;
    }

    /**
     * Upper bounds keep absurd shapes out; the largest published dense models are far below them (llama3.1-405b: 126
     * layers, hidden 16,384, 128 heads, vocabulary 128,256). {@link Models#MAX_PARAMETERS} bounds the whole model.
     * The head dimension, mixture-of-experts and latent-attention fields carry the names of the calibration file's
     * columns ({@code ModelSpecJson}); absent or 0 means none. Their checks (at least 0, top_k at most num_experts, an
     * expert width with experts, MLA ranks together) are the cost model's, whose messages name the JSON keys; the
     * parameter bound covers their size.
     */
    record ModelRequest(
            @NotNull @Pattern(regexp = Clusters.NAME_PATTERN, message = Clusters.NAME_RULE) String name,
            @NotNull @Positive @Max(1_000) Integer layers,
            @NotNull @Positive @Max(131_072) Integer hiddenSize,
            @Positive @Max(524_288) Integer ffnHiddenSize,
            @NotNull @Positive @Max(1_024) Integer attentionHeads,
            @Positive @Max(1_024) Integer kvHeads,
            @NotNull @Positive @Max(1_048_576) Integer vocabularySize,
            @NotNull @Positive @Max(4_194_304) Integer sequenceLength,
            @Pattern(regexp = "gelu|swiglu", message = "must be gelu or swiglu") String mlp,
            Boolean tiedEmbeddings,
            Boolean flashAttention,
            @Pattern(regexp = "layer_norm|rms_norm", message = "must be layer_norm or rms_norm") String norm,
            @JsonProperty("head_dim") Integer headDim,
            @JsonProperty("num_experts") Integer numExperts,
            @JsonProperty("top_k") Integer topK,
            @JsonProperty("moe_ffn_hidden") Integer moeFfnHidden,
            @JsonProperty("shared_experts") Integer sharedExperts,
            @JsonProperty("moe_dense_layers") Integer moeDenseLayers,
            @JsonProperty("q_lora_rank") Integer qLoraRank,
            @JsonProperty("kv_lora_rank") Integer kvLoraRank,
            @JsonProperty("qk_rope_head_dim") Integer qkRopeHeadDim,
            @JsonProperty("v_head_dim") Integer vHeadDim) {}

    @GetMapping
    List<Models.Model> list() {
        return models.all();
    }

    @GetMapping("/{name}")
    Models.Model get(@PathVariable String name) {
        return models.byName(name);
    }

    @PostMapping
    ResponseEntity<Models.Model> add(@Valid @RequestBody ModelRequest request) throws JsonProcessingException {
        Models.Model model = models.add(request.name(), json.writeValueAsString(request));
        return ResponseEntity.created(URI.create("/api/v1/models/" + model.name()))
                .body(model);
    }
}
