package dev.trainingplanner.api.planning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.engine.output.PlanDocument;
import dev.trainingplanner.engine.output.PlanDocuments;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * The engine's plan document of a finished run, as stored in {@code plan_run.result.plan}: the one record of the plan
 * that scoring, re-planning, the launch artifacts and the served {@code launch} view read (through the engine's
 * {@code LayoutCodec}, {@code PlacementCodec} and {@code PlanLaunch}).
 */
@Component
public class StoredPlans {

    private final PlanRuns runs;
    private final ObjectMapper json;

    StoredPlans(PlanRuns runs, ObjectMapper json) {
        this.runs = runs;
        this.json = json;
    }

    /** The run's plan document; a run without a result is the caller's to rule out. */
    public PlanDocument document(PlanRun run) {
        PlanDocument document = read(result(run));
        if (document.problem().precision() != null) {
            return document;
        }
        // Documents stored before the problem recorded its precision: the run's options decided it.
        String precision =
                EngineRequests.precision(runs.spec(run).options()).name().toLowerCase(Locale.ROOT);
        return document.withProblem(document.problem().withPrecision(precision));
    }

    /** The plan document inside a stored result. */
    static PlanDocument read(JsonNode result) {
        return PlanDocuments.read(result.get("plan").toString());
    }

    /** The stored result: {@code {plan, predictedIterationSeconds}}. */
    public JsonNode result(PlanRun run) {
        if (run.resultJson() == null) {
            throw new IllegalStateException("plan " + run.id() + " has no result");
        }
        try {
            return json.readTree(run.resultJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored plan could not be read back", e);
        }
    }
}
