package dev.trainingplanner.engine.solver;

import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.engine.TestProblems;
import dev.trainingplanner.engine.bench.SyntheticClusters;
import dev.trainingplanner.engine.layout.CandidatePool;
import dev.trainingplanner.engine.layout.LayoutCandidate;
import dev.trainingplanner.engine.layout.LayoutSpace;
import dev.trainingplanner.engine.plan.SearchOptions;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.util.List;

/** A screened layout pool on a small cluster, for solver and baseline tests. */
record SmallInstance(SearchSpace space, List<LayoutCandidate> layouts, CandidatePool pool) {

    static SmallInstance of(
            ProfiledCluster cluster, String model, int seqLen, int globalBatch, int nodesUsed, int pool) {
        ModelSpec spec = ModelPresets.byName(model).withSequenceLength(seqLen);
        int g = cluster.cluster().gpusPerNode();
        SearchSpace space = new SearchSpace(cluster.cluster(), nodesUsed, g, 0.05);
        CandidatePool candidates =
                new CandidatePool(new CostModel(), spec, globalBatch, Precision.BF16, Framework.MEGATRON, space);
        List<LayoutCandidate> all = candidates.screen(LayoutSpace.enumerate(
                spec, globalBatch, nodesUsed * g, g, g, Framework.MEGATRON, SearchOptions.defaults()));
        return new SmallInstance(space, all.subList(0, Math.min(pool, all.size())), candidates);
    }

    /**
     * Four nodes with two NVLink islands each, one of them on slow links and one (node 1) with 70 GB of GPUs 0..2
     * taken by other processes; Llama-2 7B on three nodes, one spare, and the first three layouts with tensor and
     * pipeline parallelism and an even stage split. The first stage of the second layout does not fit on the busy GPUs, the later stages do.
     * Node order, GPU order and layout all change the score here, the soft and the hard part.
     */
    static SmallInstance islandsWithBusyGpus() {
        SyntheticClusters.Spec spec = SyntheticClusters.Spec.degraded("busy", 4, 8, 1, 21);
        ProfiledCluster cluster =
                TestProblems.convert(TestProblems.occupied(TestProblems.islandsProfile(spec), 1, 3, 70_000_000_000L));
        SmallInstance all = of(cluster, "llama2-7b", 4096, 192, 3, Integer.MAX_VALUE);
        List<LayoutCandidate> layouts = all.layouts().stream()
                .filter(c -> c.layout().tp() >= 2
                        && c.layout().pp() >= 2
                        && c.layout().stageLayerCounts().isEmpty())
                .limit(3)
                .toList();
        return new SmallInstance(all.space(), layouts, all.pool());
    }
}
