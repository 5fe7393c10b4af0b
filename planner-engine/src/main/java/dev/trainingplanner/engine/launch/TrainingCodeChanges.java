package dev.trainingplanner.engine.launch;

import dev.trainingplanner.costmodel.layout.GradientCoding;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.model.MixtureOfExperts;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the training code must do for a plan beyond what the framework's settings express. */
final class TrainingCodeChanges {

    private TrainingCodeChanges() {}

    static List<String> of(LaunchInput input) {
        Layout layout = input.layout();
        List<String> changes = new ArrayList<>();
        GradientCoding coding = layout.gradientCoding();
        if (coding.isSequential()) {
            changes.add(String.format(
                    Locale.ROOT,
                    "sequential gradient coding %s with %s over the %d data-parallel workers (Krishnan et al., ICLR "
                            + "2023): treat the micro-batch gradients of one step as consecutive jobs, give each worker "
                            + "the scheme's coded and repeated tasks per round, decode job t by round t+%d and flush "
                            + "the last %d rounds before the optimizer step; the reduction must complete without the "
                            + "stragglers (sub-communicator after a timeout, or a parameter-server gather)",
                    coding.scheme().name().toLowerCase(Locale.ROOT),
                    coding.parameters(),
                    layout.dp(),
                    coding.delayRounds(),
                    coding.delayRounds()));
        } else if (!coding.isNone()) {
            changes.add(String.format(
                    Locale.ROOT,
                    "gradient coding %s with s=%d over the %d data-parallel workers: give each worker s+1 = %d data "
                            + "partitions following the encoding matrix (Tandon et al. 2017), send the encoded "
                            + "gradient, and replace the all-reduce with a reduction that completes after n-s "
                            + "responders (sub-communicator after a timeout, or a parameter-server gather), decoding "
                            + "with the responders' decoding vector",
                    coding.scheme().name().toLowerCase(Locale.ROOT),
                    coding.stragglersTolerated(),
                    layout.dp(),
                    coding.stragglersTolerated() + 1));
        }
        if (!layout.ladderLayers().isEmpty()) {
            changes.add("Ladder Residual on layers " + layout.ladderLayers() + ": in those layers module j+1 reads "
                    + "the residual stream without module j's output, whose tensor-parallel all-reduce runs "
                    + "asynchronously and is added one module later (Zhang et al., ICML 2025; dolomite-engine "
                    + "ladder_residual_TP). This changes the model: train from scratch or retrain after conversion");
        }
        if (input.framework() == Framework.DEEPSPEED && layout.recompute() != Recompute.NONE) {
            // DeepSpeed's activation_checkpointing block says how checkpointed inputs are kept, not what is recomputed.
            changes.add(
                    layout.recompute() == Recompute.FULL
                            ? "full activation recompute: wrap every transformer layer in deepspeed.checkpointing.checkpoint "
                                    + "(Megatron-DeepSpeed: the megatron-args' --recompute-granularity full)"
                            : "selective activation recompute (Korthikanti et al. 2022): wrap only the attention core (QK^T, "
                                    + "softmax, dropout, ·V) in deepspeed.checkpointing.checkpoint and keep every other "
                                    + "activation (Megatron-DeepSpeed: the megatron-args' --recompute-granularity selective)");
        }
        if (input.framework() == Framework.DEEPSPEED
                && input.model().mixtureOfExperts().isPresent()) {
            changes.add(deepSpeedMoe(input));
        }
        if (input.precision() == Precision.FP8 && input.framework() != Framework.MEGATRON) {
            changes.add("FP8 GEMMs: run the linear layers in FP8 with bf16 elsewhere ("
                    + (input.framework() == Framework.DEEPSPEED
                            ? "Transformer Engine's te.fp8_autocast with the hybrid E4M3/E5M2 recipe"
                            : "torchtitan's float8 converter, torchao float8 linear layers")
                    + "); the framework's settings hold bf16 only");
        }
        if ((input.precision() == Precision.MXFP8 || input.precision() == Precision.NVFP4)
                && input.framework() != Framework.MEGATRON) {
            changes.add(input.precision().externalName().toUpperCase(Locale.ROOT)
                    + " GEMMs: run the linear layers in " + input.precision().externalName()
                    + " with bf16 elsewhere (Transformer Engine's te.autocast with its "
                    + (input.precision() == Precision.MXFP8 ? "MXFP8BlockScaling" : "NVFP4BlockScaling")
                    + " recipe, Blackwell only); the framework's settings hold bf16 only");
        }
        return changes;
    }

    /**
     * DeepSpeed has no config key for expert parallelism: every MoE layer of the model code is a
     * {@code deepspeed.moe.layer.MoE} built with these arguments (DeepSpeed's "Mixture of Experts" tutorial), and the
     * optimizer needs the expert parameters in their own groups.
     */
    private static String deepSpeedMoe(LaunchInput input) {
        MixtureOfExperts moe = input.model().mixtureOfExperts();
        StringBuilder arguments = new StringBuilder();
        DeepSpeedConfig.moeArguments(input).forEach((name, value) -> arguments
                .append(", ")
                .append(name)
                .append('=')
                .append(value instanceof Boolean b ? (b ? "True" : "False") : value));
        return "mixture of experts: build the MLP of layers " + moe.leadingDenseLayers() + " to "
                + (input.model().layers() - 1)
                + " as deepspeed.moe.layer.MoE(hidden_size=" + input.model().hiddenSize()
                + ", expert=<the MLP, " + moe.expertFfnHiddenSize() + " wide>" + arguments
                + ")"
                + (moe.sharedExperts() > 0
                        ? " plus a dense MLP " + moe.sharedExperts() * moe.expertFfnHiddenSize()
                                + " wide for the shared experts"
                        : "")
                + ", and pass the model parameters through "
                + "deepspeed.moe.utils.split_params_into_different_moe_groups_for_optimizer before building the "
                + "optimizer (the same values are under the config's \"moe\" key)";
    }
}
