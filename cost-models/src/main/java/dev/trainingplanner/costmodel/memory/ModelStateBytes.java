package dev.trainingplanner.costmodel.memory;

/**
 * Bytes per parameter of the model states under ZeRO (cost-models.md §2.1), for one shard of Ψ parameters.
 *
 * <p>Stages 0-2 follow Megatron-LM's accounting: 16-bit weight (2 B), fp32 main gradient (4 B) and K = 12 B of fp32
 * master weight and Adam moments, i.e. 18 B/param, or {@code 6 + 12/d} with the distributed optimizer (ZeRO-1). Stage 2
 * also shards the gradient. Stage 3 (FSDP / DeepSpeed ZeRO-3) shards everything: {@code (2 + 2 + 12)/d} as in the ZeRO
 * paper's table.
 */
public final class ModelStateBytes {

    public static final double WEIGHT_BYTES = 2;
    public static final double MAIN_GRADIENT_BYTES = 4;
    public static final double SHARDED_GRADIENT_BYTES = 2;
    public static final double OPTIMIZER_BYTES = 12;

    private ModelStateBytes() {}

    /** 16-bit weight bytes per parameter on one GPU; {@code weightShards} is the stage-3 sharding degree. */
    public static double weights(int zeroStage, int weightShards) {
        return zeroStage >= 3 ? WEIGHT_BYTES / weightShards : WEIGHT_BYTES;
    }

    /** Gradient bytes per parameter on one GPU. */
    public static double gradients(int zeroStage, int gradientShards) {
        return switch (zeroStage) {
            case 0, 1 -> MAIN_GRADIENT_BYTES;
            case 2 -> MAIN_GRADIENT_BYTES / gradientShards;
            default -> SHARDED_GRADIENT_BYTES / gradientShards;
        };
    }

    /** Optimizer-state bytes per parameter on one GPU. */
    public static double optimizerStates(int zeroStage, int optimizerShards) {
        return zeroStage == 0 ? OPTIMIZER_BYTES : OPTIMIZER_BYTES / optimizerShards;
    }
}
