package dev.trainingplanner.costmodel.estimate;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.calibration.EfficiencyTable;
import dev.trainingplanner.costmodel.calibration.GpuEfficiency;
import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import java.util.function.Function;

/**
 * Predicts iteration time (with breakdown) and every rank's memory for one layout on one cluster and placement. Stateless
 * and thread-safe; {@link #prepare} splits the work into a placement-independent part (computed once per layout) and a
 * cheap per-placement part for search.
 */
public final class CostModel {

    private final Function<Cluster, GpuEfficiency> efficiencies;
    private final double memoryScale;

    /** The calibrated model ({@link EfficiencyTable}). */
    public CostModel() {
        this(cluster -> EfficiencyTable.forGpu(cluster.gpuType()));
    }

    /** A model with other efficiency parameters, e.g. for calibration experiments. */
    public CostModel(Function<Cluster, GpuEfficiency> efficiencies) {
        this(efficiencies, 1);
    }

    /**
     * A model with other efficiency parameters whose per-rank memory is multiplied by {@code memoryScale}: a fitted
     * memory overhead of one cluster (package {@code correction}), which scales what the rank holds as the GPU reports
     * it.
     */
    public CostModel(Function<Cluster, GpuEfficiency> efficiencies, double memoryScale) {
        InvalidInputException.require(efficiencies != null, "efficiencies must not be null");
        InvalidInputException.positive("memory scale", memoryScale);
        this.efficiencies = efficiencies;
        this.memoryScale = memoryScale;
    }

    /** Full evaluation. */
    public Estimate estimate(
            ModelSpec model, TrainingSpec training, Cluster cluster, Layout layout, Placement placement) {
        return prepare(model, training, cluster, layout).evaluate(placement);
    }

    /** Full evaluation on the packed placement (ranks filled node by node). */
    public Estimate estimatePacked(ModelSpec model, TrainingSpec training, Cluster cluster, Layout layout) {
        PreparedLayout prepared = prepare(model, training, cluster, layout);
        return prepared.evaluate(Placement.packed(cluster, layout.worldSize()));
    }

    /** Everything that does not depend on the placement, computed once. */
    public PreparedLayout prepare(ModelSpec model, TrainingSpec training, Cluster cluster, Layout layout) {
        InvalidInputException.require(model != null, "model must not be null");
        InvalidInputException.require(training != null, "training must not be null");
        InvalidInputException.require(cluster != null, "cluster must not be null");
        InvalidInputException.require(layout != null, "layout must not be null");
        return new PreparedLayout(model, training, cluster, layout, efficiencies.apply(cluster), memoryScale);
    }
}
