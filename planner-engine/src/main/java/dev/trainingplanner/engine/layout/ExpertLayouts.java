package dev.trainingplanner.engine.layout;

import dev.trainingplanner.costmodel.layout.ExpertParallelism;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.layout.TokenDispatcher;
import dev.trainingplanner.costmodel.model.MixtureOfExperts;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.Framework;
import java.util.ArrayList;
import java.util.List;

/**
 * The expert-parallel layouts a framework can launch for a mixture-of-experts model, in two parts so that the search
 * stays fast: {@link #degrees} (ep and etp, which set memory and the expert GEMM shapes) are enumerated with every
 * dense layout; {@link #communication} (token dispatcher and all-to-all overlap, which change only the communication)
 * are tried on the layouts that screen best with the all-to-all dispatcher.
 *
 * <p>Framework rules:
 *
 * <ul>
 *   <li>Megatron-Core: expert layers re-partition the stage's tp·cp·dp GPUs as etp × ep × expert-DP, so ep·etp divides
 *       tp·cp·dp ({@code --expert-model-parallel-size}, {@code --expert-tensor-parallel-size}); etp is 1 or the dense
 *       tp. Dispatchers {@code alltoall}, {@code allgather} and {@code flex} (DeepEP / HybridEP, the hierarchical
 *       NVLink-then-network one). {@code --overlap-moe-expert-parallel-comm} (MCore 0.14) needs ep &gt; 1, the alltoall
 *       or flex dispatcher, no full recompute, and with pipelining the interleaved schedule ({@code arguments.py}
 *       {@code validate_args}).
 *   <li>DeepSpeed-MoE ({@code deepspeed.moe.layer.MoE}): expert groups are carved from the data-parallel ranks, so
 *       {@code ep_size} divides dp; {@code enable_expert_tensor_parallelism} splits experts over the TP group (etp = tp).
 *       Tokens move by all-to-all only ({@code sharded_moe.py} {@code _AllToAll}), with no overlap option. The engine
 *       refuses ZeRO-3 with MoE layers ({@code engine.py}: "MoE not supported with Stage 3").
 *   <li>torchtitan: {@code parallelism.expert_parallel_degree} and {@code expert_tensor_parallel_degree} (1 or tp)
 *       borrow the dense layers' GPUs as in Megatron-Core; all-to-all dispatch, no overlap option.
 * </ul>
 *
 * <p>In every framework the routed expert count is a multiple of ep (each GPU holds num_experts / ep whole experts) and
 * etp divides the expert FFN width.
 */
public final class ExpertLayouts {

    private ExpertLayouts() {}

    /** ep × etp variants with the all-to-all dispatcher and no overlap; {@link ExpertParallelism#NONE} for dense. */
    static List<ExpertParallelism> degrees(ModelSpec model, Framework framework, int tp, int cp, int dp) {
        MixtureOfExperts moe = model.mixtureOfExperts();
        if (!moe.isPresent()) {
            return List.of(ExpertParallelism.NONE);
        }
        List<Integer> etps = new ArrayList<>(List.of(1));
        if (tp > 1 && moe.expertFfnHiddenSize() % tp == 0) {
            etps.add(tp);
        }
        // The GPUs an expert group is carved from.
        int carved = framework == Framework.DEEPSPEED ? dp : tp * cp * dp;
        List<ExpertParallelism> result = new ArrayList<>();
        for (int etp : etps) {
            // Bounded by the GPUs, not the expert count: ep divides the GPUs it is carved from.
            for (int ep = 1; ep <= carved; ep++) {
                boolean fits = framework == Framework.DEEPSPEED ? carved % ep == 0 : carved % (ep * etp) == 0;
                if (fits && moe.routedExperts() % ep == 0) {
                    result.add(ExpertParallelism.of(ep, etp));
                }
            }
        }
        return result;
    }

    /** Whether the framework accepts an MoE model with this ZeRO stage (DeepSpeed refuses stage 3). */
    static boolean zeroStageAllowed(ModelSpec model, Framework framework, int zeroStage) {
        return !model.mixtureOfExperts().isPresent() || framework != Framework.DEEPSPEED || zeroStage <= 2;
    }

    /**
     * The dispatcher and overlap variants of an expert-parallel layout other than the all-to-all one without overlap
     * it was screened with; empty for dense models, ep = 1 (no tokens leave the GPU) and frameworks with only that
     * dispatcher.
     */
    public static List<ExpertParallelism> communication(Layout layout, Framework framework) {
        ExpertParallelism base = layout.expertParallelism();
        if (base.ep() == 1 || framework != Framework.MEGATRON) {
            return List.of();
        }
        List<ExpertParallelism> result = new ArrayList<>();
        for (TokenDispatcher dispatcher : TokenDispatcher.values()) {
            for (boolean overlap : List.of(false, true)) {
                ExpertParallelism variant = base.withDispatcher(dispatcher).withAllToAllOverlap(overlap);
                if (variant.equals(base) || (overlap && !megatronOverlapAllowed(layout, dispatcher))) {
                    continue;
                }
                result.add(variant);
            }
        }
        return result;
    }

    private static boolean megatronOverlapAllowed(Layout layout, TokenDispatcher dispatcher) {
        return dispatcher != TokenDispatcher.ALLGATHER
                && layout.recompute() != Recompute.FULL
                && (layout.pp() == 1 || layout.virtualStages() > 1);
    }
}
