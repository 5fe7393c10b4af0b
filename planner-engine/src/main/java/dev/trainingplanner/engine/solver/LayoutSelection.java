package dev.trainingplanner.engine.solver;

import ai.timefold.solver.core.api.domain.entity.PlanningEntity;
import ai.timefold.solver.core.api.domain.lookup.PlanningId;
import ai.timefold.solver.core.api.domain.variable.PlanningVariable;
import dev.trainingplanner.engine.layout.LayoutCandidate;

/** The single entity that chooses the layout (parallel degrees, ZeRO, recompute, micro-batch, ...). */
@PlanningEntity
public class LayoutSelection {

    public static final String LAYOUT = "layout";

    @PlanningId
    private Integer id = 0;

    @PlanningVariable(valueRangeProviderRefs = PlacementSolution.LAYOUT_RANGE)
    private LayoutCandidate layout;

    public LayoutSelection() {}

    public LayoutSelection(LayoutCandidate layout) {
        this.layout = layout;
    }

    public Integer getId() {
        return id;
    }

    public LayoutCandidate getLayout() {
        return layout;
    }

    public void setLayout(LayoutCandidate layout) {
        this.layout = layout;
    }
}
