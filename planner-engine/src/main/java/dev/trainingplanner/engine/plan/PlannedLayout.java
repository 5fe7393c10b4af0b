package dev.trainingplanner.engine.plan;

import dev.trainingplanner.costmodel.estimate.Estimate;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.engine.layout.LayoutDescriptions;

/** A layout with its placement and the cost model's estimate for it. */
public record PlannedLayout(Layout layout, int microBatchSequences, Estimate estimate) {

    public String describe() {
        return LayoutDescriptions.describe(layout, microBatchSequences);
    }
}
