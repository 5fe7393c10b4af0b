package dev.trainingplanner.engine.launch;

import dev.trainingplanner.costmodel.layout.ExpertParallelism;
import dev.trainingplanner.costmodel.model.MixtureOfExperts;
import dev.trainingplanner.costmodel.model.ModelSpec;
import java.util.Map;

/**
 * The mixture-of-experts arguments of Megatron-LM ({@code megatron/training/arguments.py}, {@code _add_moe_args}) for
 * a plan's model and expert layout. Nothing for a dense model.
 */
final class MegatronExpertArguments {

    private MegatronExpertArguments() {}

    static void put(Map<String, Object> args, LaunchInput input) {
        ModelSpec model = input.model();
        MixtureOfExperts moe = model.mixtureOfExperts();
        if (!moe.isPresent()) {
            return;
        }
        ExpertParallelism experts = input.layout().expertParallelism();
        args.put("--num-experts", moe.routedExperts());
        args.put("--moe-router-topk", moe.topK());
        args.put("--moe-ffn-hidden-size", moe.expertFfnHiddenSize());
        if (moe.sharedExperts() > 0) {
            // Megatron-Core builds the shared experts as one MLP of their summed width.
            args.put("--moe-shared-expert-intermediate-size", moe.sharedExperts() * moe.expertFfnHiddenSize());
        }
        if (moe.leadingDenseLayers() > 0) {
            // A Python list expression, one entry per layer: 0 = dense MLP, 1 = MoE (moe_freq_type).
            args.put(
                    "--moe-layer-freq",
                    "([0]*" + moe.leadingDenseLayers() + "+[1]*" + (model.layers() - moe.leadingDenseLayers()) + ")");
        }
        args.put("--expert-model-parallel-size", experts.ep());
        // Without it Megatron-Core splits experts over the dense tp; always explicit so the plan's etp is what runs.
        args.put("--expert-tensor-parallel-size", experts.etp());
        args.put("--moe-grouped-gemm", true);
        switch (experts.dispatcher()) {
            case ALLTOALL -> args.put("--moe-token-dispatcher-type", "alltoall");
            case ALLGATHER -> args.put("--moe-token-dispatcher-type", "allgather");
            case HIERARCHICAL -> {
                // The hierarchical (network once per node, then NVLink) dispatcher is Megatron-Core's flex dispatcher
                // with the DeepEP backend (MCore 0.12 "--moe-token-dispatcher-type flex"; the backend flag since
                // MCore 0.15, which also offers hybridep).
                args.put("--moe-token-dispatcher-type", "flex");
                args.put("--moe-flex-dispatcher-backend", "deepep");
            }
        }
        if (experts.allToAllOverlap()) {
            // MCore 0.14 batch-level EP all-to-all overlap, with the weight-gradient delay it is documented with
            // (megatron/core/transformer/moe/README.md, "What's New").
            args.put("--overlap-moe-expert-parallel-comm", true);
            args.put("--delay-wgrad-compute", true);
        }
        if (experts.routing().dropsTokens()) {
            // Token dropping at a capacity factor, every expert's input padded to it as the prediction assumes.
            args.put("--moe-expert-capacity-factor", experts.routing().capacityFactor());
            args.put("--moe-pad-expert-input-to-capacity", true);
        }
    }
}
