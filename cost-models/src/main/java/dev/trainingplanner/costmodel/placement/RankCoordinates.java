package dev.trainingplanner.costmodel.placement;

import dev.trainingplanner.costmodel.layout.Layout;

/**
 * A global rank's position in the parallel groups, in Megatron-LM's default order: tensor fastest, then context, data,
 * pipeline. {@code rank = tensor + tp·(context + cp·(data + dp·pipeline))}.
 */
public record RankCoordinates(int tensor, int context, int data, int pipeline) {

    public static RankCoordinates of(int rank, Layout layout) {
        int tensor = rank % layout.tp();
        int rest = rank / layout.tp();
        int context = rest % layout.cp();
        rest /= layout.cp();
        int data = rest % layout.dp();
        int pipeline = rest / layout.dp();
        return new RankCoordinates(tensor, context, data, pipeline);
    }

    public int rank(Layout layout) {
        return rankOf(tensor, context, data, pipeline, layout.tp(), layout.cp(), layout.dp());
    }

    /** The rank at the given coordinates, without allocating. */
    public static int rankOf(int tensor, int context, int data, int pipeline, int tp, int cp, int dp) {
        return tensor + tp * (context + cp * (data + dp * pipeline));
    }
}
