package dev.trainingplanner.costmodel.memory;

/**
 * Bytes per parameter of the model states under ZeRO (cost-models.md §2.1, Rajbhandari et al., arXiv:1910.02054 §3.1
 * and §5): 16-bit weight (2 B), 16-bit gradient (2 B) and K = 12 B of fp32 master weight and Adam moments, so 16 B per
 * parameter for stage 0, {@code 4 + 12/d} for stage 1 (Megatron's distributed optimizer), {@code 2 + 14/d} for stage 2
 * and {@code 16/d} for stage 3. Gradients are kept in the 16-bit format, as Megatron-Core's DDP does by default
 * ({@code grad_reduce_in_fp32 = false}); frameworks that accumulate fp32 main gradients need 2 B more per parameter.
 */
public final class ModelStateBytes {

    public static final double WEIGHT_BYTES = 2;
    public static final double GRADIENT_BYTES = 2;
    public static final double OPTIMIZER_BYTES = 12;

    private ModelStateBytes() {}

    /** 16-bit weight bytes per parameter on one GPU; {@code weightShards} is the stage-3 sharding degree. */
    public static double weights(int zeroStage, int weightShards) {
        return zeroStage >= 3 ? WEIGHT_BYTES / weightShards : WEIGHT_BYTES;
    }

    /** Gradient bytes per parameter on one GPU. */
    public static double gradients(int zeroStage, int gradientShards) {
        return zeroStage >= 2 ? GRADIENT_BYTES / gradientShards : GRADIENT_BYTES;
    }

    /** Optimizer-state bytes per parameter on one GPU. */
    public static double optimizerStates(int zeroStage, int optimizerShards) {
        return zeroStage == 0 ? OPTIMIZER_BYTES : OPTIMIZER_BYTES / optimizerShards;
    }
}
