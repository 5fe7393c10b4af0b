package dev.trainingplanner.engine.solver;

import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.engine.layout.CandidatePool;
import dev.trainingplanner.engine.layout.LayoutCandidate;
import dev.trainingplanner.engine.layout.LayoutSpace;
import dev.trainingplanner.engine.plan.Framework;
import dev.trainingplanner.engine.plan.ModelSpecs;
import dev.trainingplanner.engine.plan.SearchOptions;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.util.List;

/** A screened layout pool on a small cluster, for solver and baseline tests. */
record SmallInstance(SearchSpace space, List<LayoutCandidate> layouts, CandidatePool pool) {

    static SmallInstance of(
            ProfiledCluster cluster, String model, int seqLen, int globalBatch, int nodesUsed, int pool) {
        ModelSpec spec = ModelSpecs.withSequenceLength(ModelPresets.byName(model), seqLen);
        int g = cluster.cluster().gpusPerNode();
        SearchSpace space = new SearchSpace(cluster.cluster(), nodesUsed, g, 0.05);
        CandidatePool candidates = new CandidatePool(new CostModel(), spec, globalBatch, Precision.BF16, space);
        List<LayoutCandidate> all = candidates.screen(LayoutSpace.enumerate(
                spec, globalBatch, nodesUsed * g, g, Framework.MEGATRON, SearchOptions.defaults()));
        return new SmallInstance(space, all.subList(0, Math.min(pool, all.size())), candidates);
    }
}
