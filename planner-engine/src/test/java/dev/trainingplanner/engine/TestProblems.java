package dev.trainingplanner.engine;

import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.engine.bench.SyntheticClusters;
import dev.trainingplanner.engine.plan.Framework;
import dev.trainingplanner.engine.plan.ModelSpecs;
import dev.trainingplanner.engine.plan.PlanRequest;
import dev.trainingplanner.engine.plan.SearchOptions;
import dev.trainingplanner.engine.profile.ClusterConverter;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.util.Set;

/** Small planning problems shared by the tests. */
public final class TestProblems {

    private TestProblems() {}

    public static ProfiledCluster cluster(SyntheticClusters.Spec spec) {
        return new ClusterConverter().convert(SyntheticClusters.generate(spec), Set.of(), Set.of());
    }

    public static PlanRequest request(ProfiledCluster cluster, String model, int seqLen, int globalBatch, int gpus) {
        ModelSpec spec = ModelSpecs.withSequenceLength(ModelPresets.byName(model), seqLen);
        return new PlanRequest(cluster, spec, globalBatch, gpus, Framework.MEGATRON, SearchOptions.defaults());
    }
}
