package dev.trainingplanner.api.testing;

import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.estimate.Estimate;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import dev.trainingplanner.engine.plan.Explanation;
import dev.trainingplanner.engine.plan.PlanRequest;
import dev.trainingplanner.engine.plan.PlanResult;
import dev.trainingplanner.engine.plan.PlannedLayout;
import dev.trainingplanner.engine.plan.SearchOptions;
import dev.trainingplanner.engine.plan.SearchStatistics;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.util.List;

/**
 * The planner's answer for a layout and placement chosen by a test, scored by the cost model as a search scores its
 * best plan, so that tests can cover every layout knob without waiting for a search to pick it.
 */
public final class PlanResults {

    private PlanResults() {}

    public static PlanResult of(
            ProfiledCluster cluster,
            ModelSpec model,
            Framework framework,
            Precision precision,
            int globalBatchSequences,
            int microBatchSequences,
            Layout layout,
            Placement placement) {
        Estimate estimate = new CostModel()
                .estimate(
                        model,
                        new TrainingSpec(globalBatchSequences, microBatchSequences, precision),
                        cluster.cluster(),
                        layout,
                        placement);
        PlanRequest request = new PlanRequest(
                cluster,
                model,
                globalBatchSequences,
                layout.worldSize(),
                framework,
                SearchOptions.defaults().withPrecision(precision));
        return new PlanResult(
                PlanResult.Status.FEASIBLE,
                request,
                cluster,
                new PlannedLayout(layout, microBatchSequences, estimate),
                List.of(),
                new Explanation("chosen by the test", List.of(), List.of(), List.of(), List.of()),
                new SearchStatistics(1, 1, 1, 0, 0, 0, 0, 0, 0, List.of()));
    }
}
