package dev.trainingplanner.api.planning;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainingplanner.costmodel.estimate.Estimate;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.engine.plan.PlanRequest;
import dev.trainingplanner.engine.plan.PlanResult;
import dev.trainingplanner.engine.plan.PlannedLayout;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The stored and served form of an engine {@link PlanResult}: the chosen layout and its estimate breakdown, the rank
 * placement in the profile's node names and GPU indexes, the alternatives, the explanation and the search statistics.
 */
final class PlanJson {

    private final ObjectMapper json;

    PlanJson(ObjectMapper json) {
        this.json = json;
    }

    ObjectNode of(PlanResult result) {
        ObjectNode plan = json.createObjectNode();
        plan.put("status", result.status().name());
        plan.put("cluster", result.cluster().name());
        PlanRequest request = result.request();
        plan.put("model", request.model().name());
        plan.put("framework", request.framework().cliName());
        plan.put("gpus", request.gpus());
        plan.put("globalBatchSequences", request.globalBatchSequences());
        plan.set("best", layout(result.best()));
        ArrayNode alternatives = plan.putArray("alternatives");
        result.alternatives().forEach(alternative -> alternatives.add(layout(alternative)));
        plan.set("explanation", json.valueToTree(result.explanation()));
        plan.set("statistics", json.valueToTree(result.statistics()));
        plan.set("defaultsUsed", json.valueToTree(result.cluster().defaultsUsed()));
        plan.set("excluded", json.valueToTree(result.cluster().excluded()));
        return plan;
    }

    private ObjectNode layout(PlannedLayout planned) {
        ObjectNode node = json.createObjectNode();
        node.put("description", planned.describe());
        node.put("microBatchSequences", planned.microBatchSequences());
        node.set("layout", json.valueToTree(planned.layout()));
        Estimate estimate = planned.estimate();
        ObjectNode e = node.putObject("estimate");
        e.put("iterationTimeSeconds", estimate.iterationTimeSeconds());
        e.set("breakdown", json.valueToTree(estimate.breakdown()));
        e.put("tokensPerSecondPerGpu", estimate.tokensPerSecondPerGpu());
        e.put("modelTflopsPerGpu", estimate.modelTflopsPerGpu());
        e.put("mfu", estimate.mfu());
        e.put("peakMemoryBytes", estimate.peakMemoryBytes());
        e.set("violations", json.valueToTree(estimate.violations()));
        return node;
    }

    /** What the launch artifacts are made of: the best layout and where every rank runs. */
    LaunchPlan launch(PlanResult result) {
        return launch(result.request(), result.cluster(), result.best());
    }

    static LaunchPlan launch(PlanRequest request, ProfiledCluster cluster, PlannedLayout best) {
        Layout layout = best.layout();
        Placement placement = best.estimate().placement();
        List<LaunchPlan.RankPlacement> ranks = new ArrayList<>();
        for (int rank = 0; rank < layout.worldSize(); rank++) {
            int node = placement.node(rank);
            ranks.add(new LaunchPlan.RankPlacement(
                    rank, cluster.nodeName(node), cluster.profileGpuIndex(node, placement.localGpu(rank))));
        }
        return new LaunchPlan(
                request.framework().cliName(),
                layout.tp(),
                layout.pp(),
                layout.dp(),
                layout.cp(),
                layout.virtualStages(),
                layout.sequenceParallel(),
                best.microBatchSequences(),
                request.globalBatchSequences(),
                layout.zeroStage(),
                layout.zeroPlusPlus().hpzGroupSize(),
                layout.zeroPlusPlus().quantizedWeights(),
                layout.zeroPlusPlus().quantizedGradients(),
                request.options().precision().name().toLowerCase(Locale.ROOT),
                layout.recompute().name().toLowerCase(Locale.ROOT),
                ranks);
    }
}
