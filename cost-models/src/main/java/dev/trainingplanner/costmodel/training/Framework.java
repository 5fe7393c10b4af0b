package dev.trainingplanner.costmodel.training;

import dev.trainingplanner.costmodel.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The training framework that runs the layout: it decides which layout knobs exist (the planner's enumeration) and how
 * the framework issues its collectives and holds its memory (the cost model).
 */
public enum Framework {
    /** Megatron-LM: TP, PP, CP, DP, interleaving, SP; the distributed optimizer is ZeRO-1. */
    MEGATRON,
    /** DeepSpeed: ZeRO 0-3 and ZeRO++; with pipeline parallelism only ZeRO 0-1. */
    DEEPSPEED,
    /** PyTorch FSDP2 / torchtitan: full or hybrid sharding with TP, PP and CP. */
    FSDP;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Framework parse(String text) {
        for (Framework framework : values()) {
            if (framework.cliName().equals(text == null ? "" : text.trim().toLowerCase(Locale.ROOT))) {
                return framework;
            }
        }
        throw new InvalidInputException("unknown framework '" + text + "'; use one of "
                + Arrays.stream(values()).map(Framework::cliName).collect(Collectors.joining(", ")));
    }
}
