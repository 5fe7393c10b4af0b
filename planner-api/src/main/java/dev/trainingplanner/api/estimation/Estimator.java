package dev.trainingplanner.api.estimation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainingplanner.api.correction.ClusterCorrections;
import dev.trainingplanner.api.correction.CorrectionsUsed;
import dev.trainingplanner.api.job.Jobs;
import dev.trainingplanner.api.model.Models;
import dev.trainingplanner.api.planning.PlanRun;
import dev.trainingplanner.api.planning.PlanRuns;
import dev.trainingplanner.api.planning.PlanSpec;
import dev.trainingplanner.api.planning.PlanStatus;
import dev.trainingplanner.api.planning.StoredPlans;
import dev.trainingplanner.api.problem.ClientMistake;
import dev.trainingplanner.api.profile.ProfileStore;
import dev.trainingplanner.costmodel.correction.CorrectedCostModel;
import dev.trainingplanner.costmodel.correction.CorrectionSet;
import dev.trainingplanner.costmodel.estimate.Estimate;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import dev.trainingplanner.engine.output.InvalidPlacementException;
import dev.trainingplanner.engine.output.LayoutCodec;
import dev.trainingplanner.engine.output.PlacementCodec;
import dev.trainingplanner.engine.output.PlanDocument;
import dev.trainingplanner.engine.output.RankLocation;
import dev.trainingplanner.engine.plan.SearchOptions;
import dev.trainingplanner.engine.profile.ClusterConverter;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/** Scores one layout and placement with the cost model on a cluster's latest effective profile. */
@Service
public class Estimator {

    private final ProfileStore profiles;
    private final ClusterCorrections corrections;
    private final Models models;
    private final Jobs jobs;
    private final PlanRuns runs;
    private final StoredPlans stored;
    private final ObjectMapper json;

    private final int maxClusterNodes;

    Estimator(
            ProfileStore profiles,
            ClusterCorrections corrections,
            Models models,
            Jobs jobs,
            PlanRuns runs,
            StoredPlans stored,
            ObjectMapper json,
            @Value("${planner.estimates.max-cluster-nodes:4096}") int maxClusterNodes) {
        this.maxClusterNodes = maxClusterNodes;
        this.profiles = profiles;
        this.corrections = corrections;
        this.models = models;
        this.jobs = jobs;
        this.runs = runs;
        this.stored = stored;
        this.json = json;
    }

    JsonNode score(EstimateController.EstimateRequest request) {
        require(request.cluster(), "cluster");
        require(request.model(), "model");
        if (request.layout() == null) {
            throw ClientMistake.invalid("layout", "layout is required (or give planId to re-score a plan)");
        }
        if (request.globalBatchSequences() == null) {
            throw ClientMistake.invalid("globalBatchSequences", "globalBatchSequences is required");
        }
        jobs.checkReferences(request.cluster(), request.model());
        checkSynchronousLimit(request.cluster(), "cluster");
        int micro = or(request.microBatchSequences(), 1);
        String precision = or(request.precision(), "bf16");
        Framework framework = Framework.parse(or(request.framework(), "megatron"));
        List<RankLocation> ranks = request.placement() == null
                ? null
                : request.placement().stream()
                        .map(r -> new RankLocation(r.rank(), r.node(), r.gpu()))
                        .toList();
        return evaluate(
                request.cluster(),
                models.byName(request.model()).spec(),
                request.globalBatchSequences(),
                micro,
                precision,
                framework,
                request.layout().layout(),
                ranks,
                request.correctionVersion() == null
                        ? corrections.latest(request.cluster())
                        : corrections.version(request.cluster(), request.correctionVersion(), "correctionVersion"));
    }

    JsonNode rescore(EstimateController.EstimateRequest request) {
        if (request.cluster() != null || request.layout() != null || request.placement() != null) {
            throw ClientMistake.invalid("planId", "give either planId or cluster/layout/placement, not both");
        }
        PlanRun run = runs.byIdOrUnprocessable(request.planId());
        if (run.status() != PlanStatus.COMPLETED || run.resultJson() == null) {
            throw new ClientMistake(
                    HttpStatus.CONFLICT,
                    "planId",
                    "plan " + run.id() + " has no result to re-score (" + run.status() + ")");
        }
        checkSynchronousLimit(run.clusterName(), "planId");
        PlanDocument plan = stored.document(run);
        CorrectionSet set = request.correctionVersion() == null
                ? corrections.latest(run.clusterName())
                : corrections.version(run.clusterName(), request.correctionVersion(), "correctionVersion");
        ObjectNode scored = evaluate(runs.spec(run), plan, set);
        double before = plan.estimate().iterationTimeSeconds();
        scored.put("planId", run.id().toString());
        JsonNode recorded = stored.result(run).at("/corrections/version");
        scored.put("recordedCorrectionVersion", recorded.isTextual() ? recorded.asText() : null);
        scored.put("predictedWhenPlannedSeconds", before);
        scored.put("changeRatio", scored.get("iterationTimeSeconds").asDouble() / before);
        return scored;
    }

    /**
     * A synchronous estimate reads and converts the cluster's whole profile while the client waits, so it is offered on
     * clusters of at most {@code planner.estimates.max-cluster-nodes} nodes (4,096 by default); larger clusters are a 422
     * that points to an asynchronous plan, which is bounded by its time limit and can be stopped.
     */
    private void checkSynchronousLimit(String clusterName, String field) {
        long nodes = profiles.nodeCount(clusterName);
        if (nodes > maxClusterNodes) {
            throw new ClientMistake(
                    HttpStatus.UNPROCESSABLE_ENTITY,
                    field,
                    "cluster '" + clusterName + "' has " + nodes + " nodes; synchronous estimates are limited to "
                            + maxClusterNodes + " nodes (planner.estimates.max-cluster-nodes): plan it with POST "
                            + "/api/v1/plans instead");
        }
    }

    /**
     * A stored plan on its cluster's current effective profile with the cluster's latest corrections: the plan
     * document's problem, layout and placement, read through the engine's codec, so that the whole layout is scored
     * (uneven split, partition groups, gradient coding, Ladder layers included).
     */
    public ObjectNode evaluate(PlanSpec spec, PlanDocument plan) {
        return evaluate(spec, plan, corrections.latest(spec.cluster()));
    }

    /** As {@link #evaluate(PlanSpec, PlanDocument)} with the given correction set (a plan's recorded one). */
    public ObjectNode evaluate(PlanSpec spec, PlanDocument plan, CorrectionSet set) {
        return evaluate(
                spec.cluster(),
                (models.byName(spec.model()).spec())
                        .withSequenceLength(plan.problem().sequenceLength()),
                plan.problem().globalBatchSequences(),
                plan.layout().microBatchSequences(),
                plan.problem().precision(),
                Framework.parse(plan.problem().framework()),
                LayoutCodec.layout(plan.layout()),
                PlacementCodec.locations(plan.placement()),
                set);
    }

    /**
     * Evaluates on the cluster's current effective profile with {@code set} applied; {@code ranks == null} means
     * packed by node.
     */
    private ObjectNode evaluate(
            String clusterName,
            ModelSpec model,
            int globalBatch,
            int microBatch,
            String precision,
            Framework framework,
            Layout layout,
            List<RankLocation> ranks,
            CorrectionSet set) {
        ProfileStore.EffectiveProfile effective = profiles.effective(clusterName);
        if (effective.isEmpty()) {
            throw new ClientMistake(
                    HttpStatus.UNPROCESSABLE_ENTITY, "cluster", "cluster '" + clusterName + "' has no profile yet");
        }
        ProfiledCluster cluster = new ClusterConverter().convert(effective.profile(), Set.of(), Set.of());
        TrainingSpec training = new TrainingSpec(globalBatch, microBatch, Precision.parse(precision), framework);
        if (layout.worldSize() > cluster.cluster().gpuCount()) {
            throw new ClientMistake(
                    HttpStatus.UNPROCESSABLE_ENTITY,
                    "layout",
                    "the layout needs " + layout.worldSize() + " GPUs but cluster '" + clusterName + "' has "
                            + cluster.cluster().gpuCount());
        }
        Placement placement;
        if (ranks == null) {
            placement = Placement.packed(cluster.cluster(), layout.worldSize());
        } else {
            if (ranks.size() != layout.worldSize()) {
                throw ClientMistake.invalid(
                        "placement",
                        "placement lists " + ranks.size() + " ranks but the layout has " + layout.worldSize());
            }
            placement = placement(cluster, ranks);
        }
        CorrectedCostModel corrected = new CorrectedCostModel(set, cluster.cluster());
        Estimate estimate =
                corrected.estimate(model, training, layout, placement).estimate();
        double headroom = SearchOptions.defaults().headroomFraction();
        ObjectNode out = json.createObjectNode();
        out.put("cluster", clusterName);
        out.put("model", model.name());
        out.put("iterationTimeSeconds", estimate.iterationTimeSeconds());
        out.set("breakdown", json.valueToTree(estimate.breakdown()));
        out.put("tokensPerSecondPerGpu", estimate.tokensPerSecondPerGpu());
        out.put("modelTflopsPerGpu", estimate.modelTflopsPerGpu());
        out.put("mfu", estimate.mfu());
        out.put("peakMemoryBytes", estimate.peakMemoryBytes());
        out.put("fits", estimate.fits(headroom));
        out.put("feasible", estimate.feasible(headroom));
        out.set("violations", json.valueToTree(estimate.violations()));
        out.set("defaultsUsed", json.valueToTree(cluster.defaultsUsed()));
        out.put(
                "staleMeasurements",
                effective.measurements().stream()
                        .filter(ProfileStore.Measurement::stale)
                        .count());
        out.set("corrections", json.valueToTree(CorrectionsUsed.of(corrected)));
        return out;
    }

    /** The placement of a rank list in the profile's terms; a list that names no placement is the client's mistake. */
    private static Placement placement(ProfiledCluster cluster, List<RankLocation> ranks) {
        try {
            return PlacementCodec.placement(ranks, cluster, "placement");
        } catch (InvalidPlacementException invalid) {
            HttpStatus status = invalid.reason() == InvalidPlacementException.Reason.NOT_IN_PROFILE
                    ? HttpStatus.UNPROCESSABLE_ENTITY
                    : HttpStatus.BAD_REQUEST;
            throw new ClientMistake(status, invalid.field(), invalid.getMessage());
        }
    }

    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ClientMistake.invalid(field, field + " is required (or give planId to re-score a plan)");
        }
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
