package dev.trainingplanner.costmodel.layout;

import static dev.trainingplanner.costmodel.InvalidInputException.positive;
import static dev.trainingplanner.costmodel.InvalidInputException.require;

import java.util.List;

/**
 * Every parallelism knob of one training layout. Constraints that involve the model or cluster (divisibility, memory,
 * links) are reported as violations by the cost model, not thrown here; this record only rejects values that are
 * meaningless on their own.
 *
 * @param tp tensor-parallel degree
 * @param pp pipeline-parallel degree (stages)
 * @param dp data-parallel degree
 * @param cp context-parallel degree
 * @param virtualStages model chunks per pipeline rank (1 = no interleaving)
 * @param sequenceParallel Megatron sequence parallelism (splits the TP-replicated activations)
 * @param recompute activation recomputation
 * @param zeroStage 0 (DDP) to 3 (weights, gradients and optimizer states sharded); Megatron's distributed optimizer is 1
 * @param zeroPlusPlus ZeRO++ options (stage 3 only)
 * @param partitionGroups hierarchical partition group sizes
 * @param gradientCoding straggler-tolerant gradient coding over DP
 * @param ladderLayers 0-based indices of Ladder Residual layers (sorted, distinct)
 * @param stageLayerCounts layers per pipeline stage, or empty for an even split
 * @param expertParallelism how MoE layers are laid out (ignored for dense models)
 */
public record Layout(
        int tp,
        int pp,
        int dp,
        int cp,
        int virtualStages,
        boolean sequenceParallel,
        Recompute recompute,
        int zeroStage,
        ZeroPlusPlus zeroPlusPlus,
        PartitionGroups partitionGroups,
        GradientCoding gradientCoding,
        List<Integer> ladderLayers,
        List<Integer> stageLayerCounts,
        ExpertParallelism expertParallelism) {

    public Layout {
        positive("tp", tp);
        positive("pp", pp);
        positive("dp", dp);
        positive("cp", cp);
        positive("virtual pipeline stages", virtualStages);
        require(recompute != null, "recompute must be none, selective or full");
        require(zeroStage >= 0 && zeroStage <= 3, "ZeRO stage must be 0, 1, 2 or 3, got " + zeroStage);
        require(zeroPlusPlus != null, "zeroPlusPlus must not be null (use ZeroPlusPlus.NONE)");
        require(partitionGroups != null, "partitionGroups must not be null (use PartitionGroups.DEFAULT)");
        require(gradientCoding != null, "gradientCoding must not be null (use GradientCoding.NONE)");
        require(expertParallelism != null, "expertParallelism must not be null (use ExpertParallelism.NONE)");
        require(
                (long) tp * pp * dp * cp <= 1 << 22,
                "tp*pp*dp*cp = " + ((long) tp * pp * dp * cp) + " is larger than the supported 4,194,304 GPUs");
        ladderLayers = List.copyOf(ladderLayers == null ? List.of() : ladderLayers);
        stageLayerCounts = List.copyOf(stageLayerCounts == null ? List.of() : stageLayerCounts);
        int previous = -1;
        for (int layer : ladderLayers) {
            require(layer > previous, "ladder layers must be sorted, distinct and at least 0, got " + ladderLayers);
            previous = layer;
        }
        for (int count : stageLayerCounts) {
            require(count >= 1, "every pipeline stage needs at least 1 layer, got " + stageLayerCounts);
        }
    }

    /**
     * Layers held by each pipeline stage of a model with {@code modelLayers} layers: the explicit split when it lists pp
     * stages, otherwise {@link #evenStageSplit}. Whether the split is valid is the cost model's to report.
     */
    public int[] layersPerStage(int modelLayers) {
        if (stageLayerCounts.size() != pp) {
            return evenStageSplit(modelLayers, pp);
        }
        int[] counts = new int[pp];
        for (int i = 0; i < pp; i++) {
            counts[i] = stageLayerCounts.get(i);
        }
        return counts;
    }

    /**
     * The split without explicit counts: layers / pp per stage, the remainder going to the middle stages since the first
     * and last stages already carry the embedding and the output layer.
     */
    public static int[] evenStageSplit(int modelLayers, int pp) {
        int[] counts = new int[pp];
        int base = modelLayers / pp;
        int extra = modelLayers % pp;
        int firstWithExtra = (pp - extra + 1) / 2;
        for (int i = 0; i < pp; i++) {
            counts[i] = base + (i >= firstWithExtra && i < firstWithExtra + extra ? 1 : 0);
        }
        return counts;
    }

    /** The pipeline stage that holds 0-based {@code layer} of a model with {@code modelLayers} layers. */
    public int stageOfLayer(int layer, int modelLayers) {
        int[] counts = layersPerStage(modelLayers);
        int end = 0;
        for (int stage = 0; stage < pp; stage++) {
            end += counts[stage];
            if (layer < end) {
                return stage;
            }
        }
        return pp - 1;
    }

    /** Expert-parallel degree ({@link ExpertParallelism#ep}). */
    public int ep() {
        return expertParallelism.ep();
    }

    /** Expert tensor-parallel degree ({@link ExpertParallelism#etp}). */
    public int etp() {
        return expertParallelism.etp();
    }

    /**
     * Whether the stage's tp·cp·dp GPUs split evenly into etp × ep × expert-DP (Megatron-Core's requirement); the cost
     * model reports a layout that does not as a violation.
     */
    public boolean expertLayoutDivides() {
        return (tp * cp * dp) % expertParallelism.expertShards() == 0;
    }

    /** Expert-data-parallel size tp·cp·dp / (ep·etp): the replicas of each expert's weights. */
    public int expertDataParallel() {
        return Math.max(1, tp * cp * dp / expertParallelism.expertShards());
    }

    /** GPUs the layout occupies: tp·cp·dp·pp. */
    public int worldSize() {
        return tp * cp * dp * pp;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A 3-D layout with Megatron defaults for everything else. */
    public static Layout of(int tp, int pp, int dp) {
        return builder().tp(tp).pp(pp).dp(dp).build();
    }

    public Builder toBuilder() {
        return new Builder()
                .tp(tp)
                .pp(pp)
                .dp(dp)
                .cp(cp)
                .virtualStages(virtualStages)
                .sequenceParallel(sequenceParallel)
                .recompute(recompute)
                .zeroStage(zeroStage)
                .zeroPlusPlus(zeroPlusPlus)
                .partitionGroups(partitionGroups)
                .gradientCoding(gradientCoding)
                .ladderLayers(ladderLayers)
                .stageLayerCounts(stageLayerCounts)
                .expertParallelism(expertParallelism);
    }

    /**
     * Builder with defaults: all degrees 1, no SP, no recompute, ZeRO 0, no ZeRO++, no coding, no ladder, no expert
     * parallelism.
     */
    public static final class Builder {
        private int tp = 1;
        private int pp = 1;
        private int dp = 1;
        private int cp = 1;
        private int virtualStages = 1;
        private boolean sequenceParallel;
        private Recompute recompute = Recompute.NONE;
        private int zeroStage;
        private ZeroPlusPlus zeroPlusPlus = ZeroPlusPlus.NONE;
        private PartitionGroups partitionGroups = PartitionGroups.DEFAULT;
        private GradientCoding gradientCoding = GradientCoding.NONE;
        private List<Integer> ladderLayers = List.of();
        private List<Integer> stageLayerCounts = List.of();
        private ExpertParallelism expertParallelism = ExpertParallelism.NONE;

        public Builder tp(int value) {
            tp = value;
            return this;
        }

        public Builder pp(int value) {
            pp = value;
            return this;
        }

        public Builder dp(int value) {
            dp = value;
            return this;
        }

        public Builder cp(int value) {
            cp = value;
            return this;
        }

        public Builder virtualStages(int value) {
            virtualStages = value;
            return this;
        }

        public Builder sequenceParallel(boolean value) {
            sequenceParallel = value;
            return this;
        }

        public Builder recompute(Recompute value) {
            recompute = value;
            return this;
        }

        public Builder zeroStage(int value) {
            zeroStage = value;
            return this;
        }

        public Builder zeroPlusPlus(ZeroPlusPlus value) {
            zeroPlusPlus = value;
            return this;
        }

        public Builder partitionGroups(PartitionGroups value) {
            partitionGroups = value;
            return this;
        }

        public Builder gradientCoding(GradientCoding value) {
            gradientCoding = value;
            return this;
        }

        public Builder ladderLayers(List<Integer> value) {
            ladderLayers = value;
            return this;
        }

        public Builder stageLayerCounts(List<Integer> value) {
            stageLayerCounts = value;
            return this;
        }

        public Builder expertParallelism(ExpertParallelism value) {
            expertParallelism = value;
            return this;
        }

        public Layout build() {
            return new Layout(
                    tp,
                    pp,
                    dp,
                    cp,
                    virtualStages,
                    sequenceParallel,
                    recompute,
                    zeroStage,
                    zeroPlusPlus,
                    partitionGroups,
                    gradientCoding,
                    ladderLayers,
                    stageLayerCounts,
                    expertParallelism);
        }
    }
}
