package dev.trainingplanner.costmodel.compute;

import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.model.MixtureOfExperts;
import dev.trainingplanner.costmodel.model.ModelSpec;

/**
 * The GEMMs of one MoE block on one GPU (Megatron-Core {@code MoELayer} with {@code --moe-grouped-gemm}), each priced
 * from its shape by {@link GemmTimeModel}. With T = b·s/cp tokens of the micro-batch, t the TP degree, E routed
 * experts of which each token visits k, f_e the width of one expert, ep × etp the GPUs of one expert-parallel group
 * and λ the busiest expert's load over the mean ({@code layout.ExpertRouting}):
 *
 * <pre>
 * router         m = T/t (sequence-parallel tokens of the GPU) × E, reduction h
 * routed experts E/ep local experts as one grouped GEMM per matrix, each expert's width split etp ways;
 *                m = tokens per local expert = (ep·etp·T/t) · k · λ / E
 *                (the ep·etp GPUs of the group hold ep·etp·T/t tokens; each sends k copies, spread over E experts)
 * shared experts one MLP of shared·f_e channels, tensor-parallel over t, on the T gathered tokens
 * </pre>
 *
 * The grouped GEMM's tiles and waves come from its per-expert m, so an expert that sees few tokens runs its GEMMs at
 * a fraction of the dense rate: the G6 rows of {@code calibration/kernels/gemm_measurements.csv} (DeepGEMM grouped
 * GEMMs on H800) fall from 1,233 TFLOP/s at m = 1,024 to 932 at m = 256 with the same n and k. The forward and
 * backward split follows {@link TransformerGemms}: data and weight gradients per forward GEMM, the weight gradient's
 * reduction being the expert's tokens. Megatron-Core MoE docs, "Grouped GEMM"; DeepSeek-V3 report §3.2.
 */
public final class ExpertGemms {

    private ExpertGemms() {}

    /** Tokens of the micro-batch that one GPU routes: T/t with sequence parallelism, else T. */
    public static double routedTokensPerGpu(Layout layout, double tokens) {
        return layout.sequenceParallel() ? tokens / layout.tp() : tokens;
    }

    /** m of the routed experts' grouped GEMM: (ep·etp·T/t)·k·λ/E, at least one row. */
    public static long tokensPerLocalExpert(ModelSpec model, Layout layout, double tokens) {
        MixtureOfExperts moe = model.mixtureOfExperts();
        double groupTokens = (double) layout.ep() * layout.etp() * tokens / layout.tp();
        double perExpert = groupTokens
                * moe.topK()
                * layout.expertParallelism().routing().busiestExpertLoad()
                / moe.routedExperts();
        return Math.max(1, Math.round(perExpert));
    }

    /** Experts whose weights one GPU holds: E/ep (a layout where ep does not divide E is a violation). */
    public static int localExperts(ModelSpec model, Layout layout) {
        return Math.max(1, model.mixtureOfExperts().routedExperts() / layout.ep());
    }

    /** Forward seconds of the router, the routed experts and the shared experts of one MoE block. */
    public static double forwardSeconds(GemmTimeModel gemm, ModelSpec model, Layout layout, double tokens) {
        MixtureOfExperts moe = model.mixtureOfExperts();
        long rows = Math.max(1, Math.round(tokens));
        double seconds = gemm.seconds(routerRows(layout, tokens), moe.routedExperts(), model.hiddenSize(), 1)
                + TransformerGemms.mlpForwardSeconds(
                        gemm,
                        model,
                        tokensPerLocalExpert(model, layout, tokens),
                        moe.expertFfnHiddenSize(),
                        layout.etp(),
                        localExperts(model, layout));
        if (moe.sharedExperts() > 0) {
            seconds += TransformerGemms.mlpForwardSeconds(
                    gemm, model, rows, moe.sharedExperts() * moe.expertFfnHiddenSize(), layout.tp(), 1);
        }
        return seconds;
    }

    /** Backward seconds (data and weight gradients) of the GEMMs of {@link #forwardSeconds}. */
    public static double backwardSeconds(GemmTimeModel gemm, ModelSpec model, Layout layout, double tokens) {
        MixtureOfExperts moe = model.mixtureOfExperts();
        long rows = Math.max(1, Math.round(tokens));
        double seconds = TransformerGemms.backwardSeconds(
                        gemm, routerRows(layout, tokens), moe.routedExperts(), model.hiddenSize(), 1)
                + TransformerGemms.mlpBackwardSeconds(
                        gemm,
                        model,
                        tokensPerLocalExpert(model, layout, tokens),
                        moe.expertFfnHiddenSize(),
                        layout.etp(),
                        localExperts(model, layout));
        if (moe.sharedExperts() > 0) {
            seconds += TransformerGemms.mlpBackwardSeconds(
                    gemm, model, rows, moe.sharedExperts() * moe.expertFfnHiddenSize(), layout.tp(), 1);
        }
        return seconds;
    }

    private static long routerRows(Layout layout, double tokens) {
        return Math.max(1, Math.round(routedTokensPerGpu(layout, tokens)));
    }
}
