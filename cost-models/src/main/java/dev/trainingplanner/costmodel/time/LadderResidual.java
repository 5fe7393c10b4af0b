package dev.trainingplanner.costmodel.time;

import java.util.List;

/**
 * Ladder Residual (cost-models.md §9.3, Zhang et al., arXiv:2501.06589): a ladder module reads the residual stream
 * without the previous module's output, so that module's TP all-reduce A runs during the next module's compute C. Each
 * ladder module hides {@code min(A, C) − κ·C} in forward and the mirror image in backward, where κ is the compute
 * slowdown while a collective runs concurrently. A layer has two modules (attention and MLP), each half the layer's
 * compute.
 */
public final class LadderResidual {

    /** κ of §9.3: compute slowdown of a module while a ladder collective runs concurrently (§9.3 range 0.05–0.15). */
    public static final double CONTENTION = 0.1;
    /** Modules per transformer layer: attention and MLP. */
    public static final int MODULES_PER_LAYER = 2;

    private LadderResidual() {}

    /** Ladder layers among the stage's layers {@code firstLayer .. firstLayer + layers − 1}. */
    public static int layersOnStage(List<Integer> ladderLayers, int firstLayer, int layers) {
        int count = 0;
        for (int layer : ladderLayers) {
            if (layer >= firstLayer && layer < firstLayer + layers) {
                count++;
            }
        }
        return count;
    }

    /** Compute of one module of a layer whose compute takes {@code layerSeconds}. */
    public static double moduleSeconds(double layerSeconds) {
        return layerSeconds / MODULES_PER_LAYER;
    }

    /**
     * Exposed TP time of a stage whose collectives would expose {@code exposedSeconds} without ladder, with
     * {@code ladderLayers} ladder layers, collectives of {@code perCollective} each and modules of {@code
     * moduleForward} and {@code moduleBackward} seconds.
     */
    public static double exposedSeconds(
            double exposedSeconds,
            double perCollective,
            double ladderLayers,
            double moduleForward,
            double moduleBackward) {
        double saving = MODULES_PER_LAYER
                * ladderLayers
                * (Math.max(0, Math.min(perCollective, moduleForward) - CONTENTION * moduleForward)
                        + Math.max(0, Math.min(perCollective, moduleBackward) - CONTENTION * moduleBackward));
        return Math.max(0, exposedSeconds - saving);
    }
}
