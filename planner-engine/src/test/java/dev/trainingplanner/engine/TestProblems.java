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
import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ClusterProfile.IntraNodeProfile;
import dev.trainingplanner.profile.ClusterProfile.NodeProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Small planning problems shared by the tests. */
public final class TestProblems {

    private TestProblems() {}

    public static ProfiledCluster cluster(SyntheticClusters.Spec spec) {
        return new ClusterConverter().convert(SyntheticClusters.generate(spec), Set.of(), Set.of());
    }

    /**
     * Nodes of 8 GPUs with two NVLink islands, even and odd GPUs (450 GB/s inside an island, 20 GB/s between), so
     * the GPU order inside a node decides whether a tensor-parallel group of 4 stays on one island.
     */
    public static ProfiledCluster islands(int nodeCount) {
        ClusterProfile base = SyntheticClusters.generate(SyntheticClusters.Spec.healthy("islands", nodeCount, 8));
        List<List<Double>> bandwidth = new ArrayList<>();
        for (int a = 0; a < 8; a++) {
            List<Double> row = new ArrayList<>();
            for (int b = 0; b < 8; b++) {
                row.add(a == b ? 0.0 : a % 2 == b % 2 ? 450.0 : 20.0);
            }
            bandwidth.add(row);
        }
        List<NodeProfile> nodes = base.nodes().stream()
                .map(n -> new NodeProfile(n.name(), n.gpus(), new IntraNodeProfile(bandwidth, null, null), null, null))
                .toList();
        return new ClusterConverter()
                .convert(
                        new ClusterProfile("islands", null, nodes, base.links(), base.defaultLink()),
                        Set.of(),
                        Set.of());
    }

    public static PlanRequest request(ProfiledCluster cluster, String model, int seqLen, int globalBatch, int gpus) {
        ModelSpec spec = ModelSpecs.withSequenceLength(ModelPresets.byName(model), seqLen);
        return new PlanRequest(cluster, spec, globalBatch, gpus, Framework.MEGATRON, SearchOptions.defaults());
    }
}
