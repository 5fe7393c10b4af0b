package dev.trainingplanner.api.planning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.engine.output.PlanDocument;
import dev.trainingplanner.engine.output.PlanDocuments;
import dev.trainingplanner.engine.plan.CostPerTokenResult;
import dev.trainingplanner.engine.plan.PlanRequest;
import dev.trainingplanner.engine.plan.PlanResult;
import dev.trainingplanner.engine.plan.PlannedLayout;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The stored and served form of an engine {@link PlanResult}: the engine's own plan document, plus the
 * {@link LaunchPlan} the launch artifacts are generated from.
 */
final class PlanJson {

    private final ObjectMapper json;

    PlanJson(ObjectMapper json) {
        this.json = json;
    }

    /** The engine's plan document (layout, placement, estimate, alternatives, explanation, launch settings). */
    JsonNode of(PlanResult result) {
        return tree(PlanDocuments.from(result));
    }

    /** The chosen GPU count's plan document with the comparison of GPU counts (objective cost per token). */
    JsonNode of(CostPerTokenResult result) {
        return tree(PlanDocuments.from(result));
    }

    private JsonNode tree(PlanDocument document) {
        try {
            return json.readTree(PlanDocuments.toJson(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the engine's plan document is not valid JSON", e);
        }
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
                ranks,
                layout.stageLayerCounts(),
                layout.zeroStage() == 3 && layout.partitionGroups().optimizerStatesGroupSize() > 0
                        ? layout.partitionGroups().optimizerStatesGroupSize()
                        : null);
    }
}
