package dev.trainingplanner.costmodel.layout;

import static dev.trainingplanner.costmodel.InvalidInputException.require;

/**
 * Hierarchical partition group sizes for weights, gradients and optimizer states (the 3-tier generalisation of
 * cost-models.md §7.5: GPU pair, node, world). Each state is sharded over its group and replicated across groups. A
 * size of 0 means "ZeRO's default for the layout's stage" (the whole data-parallel group when the stage shards that
 * state, 1 otherwise).
 *
 * @param weightsGroupSize group of the secondary 16-bit weight partition (0 = none)
 * @param gradientsGroupSize gradient shard group
 * @param optimizerStatesGroupSize fp32 master weights + Adam moments shard group
 */
public record PartitionGroups(int weightsGroupSize, int gradientsGroupSize, int optimizerStatesGroupSize) {

    public static final PartitionGroups DEFAULT = new PartitionGroups(0, 0, 0);

    public PartitionGroups {
        require(weightsGroupSize >= 0, "weights partition group size must be at least 0, got " + weightsGroupSize);
        require(
                gradientsGroupSize >= 0,
                "gradients partition group size must be at least 0, got " + gradientsGroupSize);
        require(
                optimizerStatesGroupSize >= 0,
                "optimizer-state partition group size must be at least 0, got " + optimizerStatesGroupSize);
    }

    /** The three tiers of a node with paired dies (MI250X): GPU pair, node, world. */
    public static PartitionGroups onTiers(Tier weights, Tier gradients, Tier optimizerStates, int gpusPerNode, int dp) {
        return new PartitionGroups(
                weights.size(gpusPerNode, dp), gradients.size(gpusPerNode, dp), optimizerStates.size(gpusPerNode, dp));
    }

    public boolean isDefault() {
        return weightsGroupSize == 0 && gradientsGroupSize == 0 && optimizerStatesGroupSize == 0;
    }

    /** Bandwidth tiers of cost-models.md §7.5. */
    public enum Tier {
        GPU_PAIR,
        NODE,
        WORLD;

        int size(int gpusPerNode, int dp) {
            return switch (this) {
                case GPU_PAIR -> Math.min(2, dp);
                case NODE -> Math.min(gpusPerNode, dp);
                case WORLD -> dp;
            };
        }
    }
}
