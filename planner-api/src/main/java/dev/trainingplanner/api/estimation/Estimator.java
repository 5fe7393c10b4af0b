package dev.trainingplanner.api.estimation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainingplanner.api.job.Jobs;
import dev.trainingplanner.api.model.Models;
import dev.trainingplanner.api.planning.LaunchPlan;
import dev.trainingplanner.api.planning.PlanRun;
import dev.trainingplanner.api.planning.PlanRuns;
import dev.trainingplanner.api.planning.PlanSpec;
import dev.trainingplanner.api.planning.PlanStatus;
import dev.trainingplanner.api.planning.RankOrders;
import dev.trainingplanner.api.problem.ClientMistake;
import dev.trainingplanner.api.profile.ProfileStore;
import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.estimate.Estimate;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.layout.ZeroPlusPlus;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import dev.trainingplanner.engine.plan.SearchOptions;
import dev.trainingplanner.engine.profile.ClusterConverter;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/** Scores one layout and placement with the cost model on a cluster's latest effective profile. */
@Service
public class Estimator {

    private final CostModel costModel = new CostModel();
    private final ProfileStore profiles;
    private final Models models;
    private final Jobs jobs;
    private final PlanRuns runs;
    private final ObjectMapper json;

    Estimator(ProfileStore profiles, Models models, Jobs jobs, PlanRuns runs, ObjectMapper json) {
        this.profiles = profiles;
        this.models = models;
        this.jobs = jobs;
        this.runs = runs;
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
        EstimateController.LayoutBody l = request.layout();
        Layout layout = layout(
                l.tensorParallel(),
                l.pipelineParallel(),
                l.dataParallel(),
                or(l.contextParallel(), 1),
                or(l.virtualPipelineStages(), 1),
                or(l.sequenceParallel(), false),
                or(l.recompute(), "none"),
                or(l.zeroStage(), 0),
                or(l.hpzPartitionSize(), 1),
                or(l.quantizedWeights(), false),
                or(l.quantizedGradients(), false));
        int micro = or(request.microBatchSequences(), 1);
        String precision = or(request.precision(), "bf16");
        List<LaunchPlan.RankPlacement> ranks = request.placement() == null
                ? null
                : request.placement().stream()
                        .map(r -> new LaunchPlan.RankPlacement(r.rank(), r.node(), r.gpu()))
                        .toList();
        return evaluate(
                request.cluster(),
                models.byName(request.model()).spec(),
                request.globalBatchSequences(),
                micro,
                precision,
                layout,
                ranks);
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
        PlanSpec spec = runs.spec(run);
        JsonNode result = read(run.resultJson());
        LaunchPlan launch = json.convertValue(result.get("launch"), LaunchPlan.class);
        Layout layout = layout(
                launch.tensorParallel(),
                launch.pipelineParallel(),
                launch.dataParallel(),
                launch.contextParallel(),
                launch.virtualPipelineStages(),
                launch.sequenceParallel(),
                launch.recompute(),
                launch.zeroStage(),
                launch.hpzPartitionSize(),
                launch.quantizedWeights(),
                launch.quantizedGradients());
        ObjectNode scored = evaluate(
                spec.cluster(),
                models.byName(spec.model()).spec(),
                launch.globalBatchSequences(),
                launch.microBatchSequences(),
                launch.precision(),
                layout,
                launch.ranks());
        double before = result.get("predictedIterationSeconds").asDouble();
        scored.put("planId", run.id().toString());
        scored.put("predictedWhenPlannedSeconds", before);
        scored.put("changeRatio", scored.get("iterationTimeSeconds").asDouble() / before);
        return scored;
    }

    /** Evaluates on the cluster's current effective profile; {@code ranks == null} means packed by node. */
    public ObjectNode evaluate(
            String clusterName,
            ModelSpec model,
            int globalBatch,
            int microBatch,
            String precision,
            Layout layout,
            List<LaunchPlan.RankPlacement> ranks) {
        ProfileStore.EffectiveProfile effective = profiles.effective(clusterName);
        if (effective.isEmpty()) {
            throw new ClientMistake(
                    HttpStatus.UNPROCESSABLE_ENTITY, "cluster", "cluster '" + clusterName + "' has no profile yet");
        }
        ProfiledCluster cluster = new ClusterConverter().convert(effective.profile(), Set.of(), Set.of());
        TrainingSpec training =
                new TrainingSpec(globalBatch, microBatch, Precision.valueOf(precision.toUpperCase(Locale.ROOT)));
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
            placement = RankOrders.toPlacement(cluster, ranks, "placement");
        }
        Estimate estimate = costModel.estimate(model, training, cluster.cluster(), layout, placement);
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
        return out;
    }

    public static Layout layout(
            int tp,
            int pp,
            int dp,
            int cp,
            int virtualStages,
            boolean sequenceParallel,
            String recompute,
            int zeroStage,
            int hpz,
            boolean quantizedWeights,
            boolean quantizedGradients) {
        return Layout.builder()
                .tp(tp)
                .pp(pp)
                .dp(dp)
                .cp(cp)
                .virtualStages(virtualStages)
                .sequenceParallel(sequenceParallel)
                .recompute(Recompute.valueOf(recompute.toUpperCase(Locale.ROOT)))
                .zeroStage(zeroStage)
                .zeroPlusPlus(new ZeroPlusPlus(quantizedWeights, hpz, quantizedGradients))
                .build();
    }

    private JsonNode read(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored plan could not be read back", e);
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
