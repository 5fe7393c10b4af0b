package dev.trainingplanner.api.correction;

import dev.trainingplanner.api.measurement.MeasuredRun;
import dev.trainingplanner.api.model.Models;
import dev.trainingplanner.api.planning.EngineRequests;
import dev.trainingplanner.api.planning.PlanRun;
import dev.trainingplanner.api.planning.PlanRuns;
import dev.trainingplanner.api.planning.PlanSpec;
import dev.trainingplanner.api.planning.StoredPlans;
import dev.trainingplanner.costmodel.batch.CaseInputs;
import dev.trainingplanner.costmodel.correction.Measurement;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import dev.trainingplanner.engine.output.LayoutCodec;
import dev.trainingplanner.engine.output.PlacementCodec;
import dev.trainingplanner.engine.output.PlanDocument;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import dev.trainingplanner.profile.ClusterProfile;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A measured run as the correction fit takes it: the estimator's inputs rebuilt from the plan the run measured (model
 * with the plan's sequence length, training, the cluster's profile converted with the plan's exclusions, the stored
 * layout and placement, read through the engine's codecs) beside the run's medians. The profile is the cluster's
 * current effective one: the service keeps a cluster's latest measurements, not the profile of every plan's day.
 */
@Component
class MeasuredInputs {

    private static final Logger log = LoggerFactory.getLogger(MeasuredInputs.class);

    private final PlanRuns runs;
    private final StoredPlans stored;
    private final Models models;

    MeasuredInputs(PlanRuns runs, StoredPlans stored, Models models) {
        this.runs = runs;
        this.stored = stored;
        this.models = models;
    }

    /**
     * The run as a {@link Measurement} (run id {@code <job>@r<revision>}), or empty when its plan can no longer be
     * rebuilt on the profile (a node it used left the profile, its model was removed); the fit then goes without it.
     */
    Optional<Measurement> of(MeasuredRun measured, ClusterProfile profile) {
        String runId = measured.jobId() + "@r" + measured.planRevision();
        try {
            PlanRun run = runs.byId(measured.planId());
            PlanSpec spec = runs.spec(run);
            PlanDocument plan = stored.document(run);
            ProfiledCluster cluster = EngineRequests.cluster(profile, spec.options());
            CaseInputs inputs = new CaseInputs(
                    runId,
                    (models.byName(spec.model()).spec())
                            .withSequenceLength(plan.problem().sequenceLength()),
                    new TrainingSpec(
                            plan.problem().globalBatchSequences(),
                            plan.layout().microBatchSequences(),
                            Precision.parse(plan.problem().precision()),
                            Framework.parse(plan.problem().framework())),
                    cluster.cluster(),
                    LayoutCodec.layout(plan.layout()),
                    PlacementCodec.placement(PlacementCodec.locations(plan.placement()), cluster, "placement"));
            return Optional.of(new Measurement(
                    runId,
                    inputs,
                    measured.medianIterationSeconds(),
                    measured.medianPeakMemoryBytes() == null
                            ? OptionalDouble.empty()
                            : OptionalDouble.of(measured.medianPeakMemoryBytes()),
                    Map.of(),
                    measured.counted(),
                    OptionalDouble.of(measured.slowStepFraction())));
        } catch (RuntimeException unusable) {
            log.info("Run {} is left out of the correction fit: {}", runId, unusable.getMessage());
            return Optional.empty();
        }
    }
}
