package dev.trainingplanner.costmodel.correction;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.calibration.EfficiencyTable;
import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.estimate.PreparedLayout;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The calibrated cost model of one cluster with a {@link CorrectionSet} applied where the model uses each quantity:
 * compute efficiency as every GPU's relative speed, NVLink and network efficiency as the bandwidth of every link of
 * their tier, straggler probability on the profile's Bernoulli stragglers ({@code Cluster.with...}), and memory
 * overhead on every rank's memory ({@code CostModel}'s memory scale). The cluster is corrected once, here; every
 * layout prepared afterwards costs what an uncorrected one does, so a search is no slower.
 */
public final class CorrectedCostModel {

    /** Scope of the factors that hold for the whole cluster. */
    static final String CLUSTER_SCOPE = "";

    private final CorrectionSet corrections;
    private final Cluster corrected;
    private final CostModel costModel;
    private final List<AppliedCorrection> applied;

    public CorrectedCostModel(CorrectionSet corrections, Cluster cluster) {
        InvalidInputException.require(corrections != null, "corrections must not be null");
        InvalidInputException.require(cluster != null, "cluster must not be null");
        this.corrections = corrections;
        String gpu = cluster.gpuType().name();
        this.corrected = corrected(
                cluster,
                corrections.value(CorrectionKind.COMPUTE_EFFICIENCY, gpu),
                corrections.value(CorrectionKind.NVLINK_EFFICIENCY, CLUSTER_SCOPE),
                corrections.value(CorrectionKind.NETWORK_EFFICIENCY, CLUSTER_SCOPE),
                corrections.value(CorrectionKind.STRAGGLER_PROBABILITY, CLUSTER_SCOPE));
        this.costModel = new CostModel(
                c -> EfficiencyTable.forGpu(c.gpuType()),
                corrections.value(CorrectionKind.MEMORY_OVERHEAD, CLUSTER_SCOPE));
        List<AppliedCorrection> changes = new ArrayList<>();
        for (CorrectionFactor factor : corrections.factors()) {
            boolean inScope = factor.kind() == CorrectionKind.COMPUTE_EFFICIENCY
                    ? factor.scope().equals(gpu)
                    : factor.scope().equals(CLUSTER_SCOPE);
            boolean hasEffect = factor.kind() != CorrectionKind.STRAGGLER_PROBABILITY || cluster.hasStragglers();
            if (factor.changesModel() && inScope && hasEffect) {
                changes.add(AppliedCorrection.of(factor));
            }
        }
        this.applied = List.copyOf(changes);
    }

    /** {@code cluster} with the given multipliers applied (each 1 leaves its quantity as it is). */
    static Cluster corrected(Cluster cluster, double compute, double nvlink, double network, double straggler) {
        Cluster result = cluster;
        if (compute != CorrectionFactor.PRIOR) {
            result = result.withComputeSpeedFactor(compute);
        }
        if (nvlink != CorrectionFactor.PRIOR || network != CorrectionFactor.PRIOR) {
            result = result.withLinkEfficiencies(nvlink, network);
        }
        if (straggler != CorrectionFactor.PRIOR && cluster.hasStragglers()) {
            result = result.withStragglerProbabilityFactor(straggler);
        }
        return result;
    }

    public CorrectionSet corrections() {
        return corrections;
    }

    /** The cluster as the corrections see it: prepared layouts and placements refer to this one. */
    public Cluster correctedCluster() {
        return corrected;
    }

    /**
     * The cost model with the memory overhead applied, for callers that search on {@link #correctedCluster()} with
     * their own layout pool (the planner engine takes a {@code CostModel}).
     */
    public CostModel costModel() {
        return costModel;
    }

    /** The corrections that change estimates on this cluster, with their support. */
    public List<AppliedCorrection> applied() {
        return applied;
    }

    /** The placement-independent part of one layout on the corrected cluster, for search. */
    public PreparedLayout prepare(ModelSpec model, TrainingSpec training, Layout layout) {
        return costModel.prepare(model, training, corrected, layout);
    }

    /** Full evaluation on the corrected cluster, with the corrections that applied. */
    public CorrectedEstimate estimate(ModelSpec model, TrainingSpec training, Layout layout, Placement placement) {
        return new CorrectedEstimate(
                costModel.estimate(model, training, corrected, layout, placement), corrections.version(), applied);
    }
}
