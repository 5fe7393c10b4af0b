package dev.trainingplanner.costmodel.memory;

import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.PartitionGroups;
import dev.trainingplanner.costmodel.layout.ZeroPlusPlus;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;

/**
 * Bytes per parameter of the model states under ZeRO (cost-models.md §2.1, Rajbhandari et al., arXiv:1910.02054 §3.1
 * and §5): 16-bit weight (2 B), 16-bit gradient (2 B) and K = 12 B of fp32 master weight and Adam moments, so 16 B per
 * parameter for stage 0, {@code 4 + 12/d} for stage 1 (Megatron's distributed optimizer), {@code 2 + 14/d} for stage 2
 * and {@code 16/d} for stage 3. Gradients are kept in the 16-bit format, as Megatron-Core's DDP does by default
 * ({@code grad_reduce_in_fp32 = false}); frameworks that accumulate fp32 main gradients need 2 B more per parameter.
 *
 * <p>Routed-expert parameters follow the same table with d = expert data parallelism (see {@link #ofStage}).
 *
 * <p>{@link #ofStage} adds what stage 3 holds beyond the table: hpZ's secondary weight copy (ZeRO++, §7.2: 2Ψ/h_z),
 * hierarchical partition groups (§7.5: each state sharded over its own group), the gathered working set and, under
 * pipelining, the whole gathered stage (§2.1 implementation extras).
 */
public final class ModelStateBytes {

    public static final double WEIGHT_BYTES = 2;
    public static final double GRADIENT_BYTES = 2;
    public static final double OPTIMIZER_BYTES = 12;
    /** Unsharded fp32 gradient of a ZeRO-3 unit before its reduce-scatter. */
    public static final double FP32_GRADIENT_BYTES = 4;
    /** ZeRO-3 units gathered at once: the one in use and the prefetched next (a layer, or the output layer). */
    public static final int GATHERED_UNITS = 2;

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

    /**
     * Model states of every rank of pipeline stage {@code stage}, which holds {@code denseParameters} dense and
     * {@code expertParameters} routed-expert parameters per rank ({@code ModelSpec.stageDenseParameters},
     * {@code stageExpertParameters}).
     *
     * <p>Dense parameters are sharded over the dp·cp ranks of their data-parallel ring as the layout's ZeRO stage, ZeRO++
     * options and partition groups say. Routed-expert parameters are replicated over expert data parallelism, the
     * tp·cp·dp/(ep·etp) ranks that hold the same experts, and ZeRO shards them over that group instead: Megatron-Core's
     * distributed optimizer builds a separate gradient buffer and optimizer instance for expert parameters over the
     * expert-data-parallel group (Megatron Core MoE README, "Parallel Folding"; {@code distrib_optimizer.py}), and
     * DeepSpeed's MoE partitions expert parameters over its expert-data-parallel group ({@code moe/utils.py},
     * {@code split_params_into_different_moe_groups_for_optimizer}). Partition groups and hpZ apply to the dense part.
     */
    public static StageModelStates ofStage(
            ModelSpec model,
            TrainingSpec training,
            Layout layout,
            int stage,
            double denseParameters,
            double expertParameters) {
        int tp = layout.tp();
        int pp = layout.pp();
        int shards = layout.dp() * layout.cp();
        int expertShards = layout.expertDataParallel();
        int zero = layout.zeroStage();
        PartitionGroups groups = layout.partitionGroups();
        ZeroPlusPlus zpp = layout.zeroPlusPlus();
        double params = denseParameters;
        double experts = expertParameters;
        double weights;
        double grads;
        double optimizer;
        double optimizerShard;
        if (zero == 3 && !groups.isDefault()) {
            int kw = groups.weightsGroupSize();
            int kg = groups.gradientsGroupSize() > 0 ? groups.gradientsGroupSize() : shards;
            int kos = groups.optimizerStatesGroupSize() > 0 ? groups.optimizerStatesGroupSize() : shards;
            weights = params * (WEIGHT_BYTES / shards + (kw > 0 ? WEIGHT_BYTES / kw : 0));
            grads = params * GRADIENT_BYTES / kg;
            optimizer = params * OPTIMIZER_BYTES / kos;
            optimizerShard = params / kos;
        } else {
            weights = params * weights(zero, shards);
            grads = params * gradients(zero, shards);
            optimizer = params * optimizerStates(zero, shards);
            optimizerShard = zero == 0 ? params : params / shards;
        }
        double expertWeights = experts * weights(zero, expertShards);
        double expertGrads = experts * gradients(zero, expertShards)
                + experts * frameworkGradientBytes(training, zero, expertShards);
        double expertOptimizer = experts * optimizerStates(zero, expertShards);
        optimizerShard += zero == 0 ? experts : experts / expertShards;
        if (zero == 3) {
            if (zpp.hpzGroupSize() > 1) {
                weights += params * WEIGHT_BYTES / zpp.hpzGroupSize();
            }
            // Live gathered parameters: the current and the prefetched unit (a layer, or the output layer), plus the
            // unsharded fp32 gradient of one unit before its reduce-scatter.
            double perLayerParams = model.largestLayerParametersPerRank(
                    tp, layout.expertParallelism().expertShards());
            double unit = Math.max(
                    perLayerParams,
                    (stage == 0 || stage == pp - 1)
                            ? model.paddedVocabulary(tp) * (double) model.hiddenSize() / tp
                            : 0);
            weights += GATHERED_UNITS * unit * WEIGHT_BYTES;
            grads += unit * FP32_GRADIENT_BYTES;
            if (pp > 1) {
                // FSDP under pipelining keeps the stage's parameters gathered and its fp32 gradients unsharded while
                // micro-batches accumulate (no reshard after forward).
                weights += (params + experts) * WEIGHT_BYTES;
                grads += (params + experts) * FP32_GRADIENT_BYTES;
            }
        }
        grads += params * frameworkGradientBytes(training, zero, shards);
        return new StageModelStates(
                weights + expertWeights,
                grads + expertGrads,
                optimizer + expertOptimizer,
                optimizerShard,
                expertWeights + expertGrads + expertOptimizer);
    }

    /**
     * Gradient bytes per parameter that the framework's optimizer keeps beyond the 16-bit gradients of the table, for
     * ZeRO stages 0-2 (stage 3's unsharded unit gradients are above):
     *
     * <ul>
     *   <li>Megatron's distributed optimizer with bf16 or fp8 keeps Megatron-Core's 16-bit gradient buffer (the H100
     *       Megatron-Core/NeMo rows that ran fit only so): nothing; with fp16 it keeps an fp32 copy of its gradient shard
     *       (Megatron's distributed-optimizer table, 4 + 16/d bytes per parameter): +4/d;
     *   <li>DeepSpeed's BF16 optimizer ({@code bf16_optimizer.py}) accumulates gradients in fp32 buffers over the whole
     *       flat parameter groups, not partitioned: +4 B; its fp16 ZeRO optimizer ({@code stage_1_and_2.py}) converts
     *       its gradient partition to fp32 for the step: +4/d (+4 without ZeRO);
     *   <li>FSDP reduces in fp32 only per unit (stage 3, above): nothing.
     * </ul>
     */
    static double frameworkGradientBytes(TrainingSpec training, int zeroStage, int shards) {
        if (zeroStage >= 3) {
            return 0;
        }
        boolean fp16 = training.precision() == Precision.FP16;
        int optimizerShards = zeroStage == 0 ? 1 : shards;
        return switch (training.framework()) {
            case MEGATRON -> fp16 ? FP32_GRADIENT_BYTES / optimizerShards : 0;
            case DEEPSPEED -> fp16 ? FP32_GRADIENT_BYTES / optimizerShards : FP32_GRADIENT_BYTES;
            case FSDP -> 0;
        };
    }
}
