package dev.trainingplanner.api.planning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.engine.output.PlanDocument;
import dev.trainingplanner.engine.output.PlanDocuments;
import dev.trainingplanner.engine.plan.CostPerTokenResult;
import dev.trainingplanner.engine.plan.PlanResult;

/**
 * The stored and served form of an engine {@link PlanResult}: the engine's own plan document, from which the launch
 * artifacts, re-scoring and the served {@link LaunchPlan} view are derived.
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
}
