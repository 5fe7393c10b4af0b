package dev.trainingplanner.engine.launch;

import java.util.List;
import java.util.Map;

/**
 * The {@code launch} section of a plan document.
 *
 * @param nodeOrder node names in rank order ({@code --node_rank} i runs on the i-th)
 * @param gpuOrder per node in rank order, the GPU indexes to expose ({@code CUDA_VISIBLE_DEVICES})
 * @param frameworkArguments the plan's framework settings: Megatron-LM flags (a switch maps to {@code true}), the
 *     DeepSpeed config, or torchtitan's dotted config keys
 * @param trainingCodeChanges what the training code must do beyond the framework's settings
 */
public record LaunchSettings(
        List<String> nodeOrder,
        List<List<Integer>> gpuOrder,
        Map<String, Object> frameworkArguments,
        List<String> trainingCodeChanges) {}
