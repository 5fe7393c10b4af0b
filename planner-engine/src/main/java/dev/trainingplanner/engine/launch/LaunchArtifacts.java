package dev.trainingplanner.engine.launch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Map;

/**
 * Every launch artifact of one plan, generated from one {@link LaunchInput} so that they agree with the plan and with
 * each other: the plan document's {@code launch} section ({@code planner plan}'s plan.json and the API's stored plan)
 * and the files the API serves ({@link ArtifactKind}).
 */
public final class LaunchArtifacts {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final LaunchInput input;

    private LaunchArtifacts(LaunchInput input) {
        this.input = input;
    }

    public static LaunchArtifacts of(LaunchInput input) {
        return new LaunchArtifacts(input);
    }

    /** The plan document's launch section: rank order, the framework's own settings and training-code changes. */
    public LaunchSettings settings() {
        return new LaunchSettings(
                input.nodes().stream().map(NodeLaunch::node).toList(),
                input.nodes().stream().map(NodeLaunch::gpus).toList(),
                frameworkArguments(),
                TrainingCodeChanges.of(input));
    }

    /** The settings of the plan's framework: Megatron-LM arguments, DeepSpeed config or torchtitan config keys. */
    public Map<String, Object> frameworkArguments() {
        return switch (input.framework()) {
            case MEGATRON -> megatronArguments();
            case DEEPSPEED -> deepSpeedConfig();
            case FSDP -> TorchtitanConfig.of(input);
        };
    }

    /** Megatron-LM arguments (also for Megatron-DeepSpeed beside the DeepSpeed config). */
    public Map<String, Object> megatronArguments() {
        return MegatronArguments.of(input);
    }

    public Map<String, Object> deepSpeedConfig() {
        return DeepSpeedConfig.of(input);
    }

    /** Per node: torchrun node rank, {@code CUDA_VISIBLE_DEVICES}, global ranks and the command line. */
    public Map<String, Object> rankMap() {
        return TorchrunLaunch.rankMap(input);
    }

    public String hostfile() {
        return TorchrunLaunch.hostfile(input);
    }

    /** The artifact as served: text, or indented JSON. */
    public String render(ArtifactKind kind) {
        return switch (kind) {
            case MEGATRON_ARGS -> MegatronArguments.text(megatronArguments());
            case DEEPSPEED_CONFIG -> json(deepSpeedConfig());
            case HOSTFILE -> hostfile();
            case RANK_MAP -> json(rankMap());
        };
    }

    private static String json(Map<String, Object> document) {
        try {
            return JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a launch artifact could not be written as JSON", e);
        }
    }
}
