package dev.trainingplanner.engine;

import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.engine.bench.SyntheticClusters;
import dev.trainingplanner.engine.plan.PlanRequest;
import dev.trainingplanner.engine.plan.SearchOptions;
import dev.trainingplanner.engine.profile.ClusterConverter;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ClusterProfile.GpuProfile;
import dev.trainingplanner.profile.ClusterProfile.IntraNodeProfile;
import dev.trainingplanner.profile.ClusterProfile.NodeProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Small planning problems shared by the tests. */
public final class TestProblems {

    private TestProblems() {}

    public static ProfiledCluster cluster(SyntheticClusters.Spec spec) {
        return convert(SyntheticClusters.generate(spec));
    }

    public static ProfiledCluster convert(ClusterProfile profile) {
        return new ClusterConverter().convert(profile, Set.of(), Set.of());
    }

    /**
     * Nodes of 8 GPUs with two NVLink islands, even and odd GPUs (450 GB/s inside an island, 20 GB/s between), so
     * the GPU order inside a node decides whether a tensor-parallel group of 4 stays on one island.
     */
    public static ProfiledCluster islands(int nodeCount) {
        return convert(islandsProfile(SyntheticClusters.Spec.healthy("islands", nodeCount, 8)));
    }

    /** The nodes and links of {@code spec} (8 GPUs per node), each node with the two NVLink islands above. */
    public static ClusterProfile islandsProfile(SyntheticClusters.Spec spec) {
        ClusterProfile base = SyntheticClusters.generate(spec);
        List<List<Double>> bandwidth = new ArrayList<>();
        for (int a = 0; a < 8; a++) {
            List<Double> row = new ArrayList<>();
            for (int b = 0; b < 8; b++) {
                row.add(a == b ? 0.0 : a % 2 == b % 2 ? 450.0 : 20.0);
            }
            bandwidth.add(row);
        }
        List<NodeProfile> nodes = base.nodes().stream()
                .map(n -> new NodeProfile(
                        n.name(),
                        n.gpus(),
                        new IntraNodeProfile(bandwidth, null, null),
                        n.compute(),
                        null,
                        n.nvlinkDomain()))
                .toList();
        return new ClusterProfile(base.name(), null, nodes, base.links(), base.defaultLink());
    }

    /** {@code profile} with {@code usedBytes} of memory taken by other processes on GPUs 0..gpus−1 of {@code node}. */
    public static ClusterProfile occupied(ClusterProfile profile, int node, int gpus, long usedBytes) {
        List<NodeProfile> nodes = new ArrayList<>(profile.nodes());
        NodeProfile changed = nodes.get(node);
        List<GpuProfile> gpuList = changed.gpus().stream()
                .map(g -> g.index() < gpus
                        ? new GpuProfile(
                                g.index(),
                                g.type(),
                                g.memoryBytes(),
                                usedBytes,
                                g.relativeSpeed(),
                                g.peakTflops(),
                                g.source())
                        : g)
                .toList();
        nodes.set(
                node,
                new NodeProfile(
                        changed.name(),
                        gpuList,
                        changed.intraNode(),
                        changed.compute(),
                        changed.measuredAt(),
                        changed.nvlinkDomain()));
        return new ClusterProfile(profile.name(), profile.measuredAt(), nodes, profile.links(), profile.defaultLink());
    }

    public static PlanRequest request(ProfiledCluster cluster, String model, int seqLen, int globalBatch, int gpus) {
        ModelSpec spec = ModelPresets.byName(model).withSequenceLength(seqLen);
        return new PlanRequest(cluster, spec, globalBatch, gpus, Framework.MEGATRON, SearchOptions.defaults());
    }
}
