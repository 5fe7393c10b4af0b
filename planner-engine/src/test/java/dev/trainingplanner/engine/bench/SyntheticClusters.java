package dev.trainingplanner.engine.bench;

import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ClusterProfile.ComputeStatistics;
import dev.trainingplanner.profile.ClusterProfile.DefaultLink;
import dev.trainingplanner.profile.ClusterProfile.GpuProfile;
import dev.trainingplanner.profile.ClusterProfile.LinkProfile;
import dev.trainingplanner.profile.ClusterProfile.NodeProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generated cluster profiles for benchmarks and tests: healthy clusters (every link at the nominal bandwidth) and
 * degraded ones (some nodes whose network runs at a fraction of nominal, a fraction of node pairs slowed down, and
 * optionally straggling nodes). The same seed gives the same profile.
 */
public final class SyntheticClusters {

    /** Nominal inter-node link: 400 Gbit/s, 5 µs, as one ConnectX-7 port of a DGX H100. */
    public static final double NOMINAL_GBPS = 400.0;

    public static final double NOMINAL_LATENCY_US = 5.0;

    private SyntheticClusters() {}

    /**
     * Describes a generated cluster.
     *
     * @param slowNodes how many nodes have every link at {@code slowNodeFactor} of nominal
     * @param slowPairFraction fraction of the other node pairs whose link runs at {@code slowPairFactor}
     * @param stragglerNodes how many nodes report straggler statistics ({@code slowProbability}, {@code slowdown})
     */
    public record Spec(
            String name,
            int nodes,
            int gpusPerNode,
            String gpuType,
            int slowNodes,
            double slowNodeFactor,
            double slowPairFraction,
            double slowPairFactor,
            int stragglerNodes,
            double slowProbability,
            double slowdown,
            long seed) {

        public static Spec healthy(String name, int nodes, int gpusPerNode) {
            return new Spec(name, nodes, gpusPerNode, "H100-80GB", 0, 1.0, 0.0, 1.0, 0, 0.0, 1.0, 1L);
        }

        public static Spec degraded(String name, int nodes, int gpusPerNode, int slowNodes, long seed) {
            return new Spec(name, nodes, gpusPerNode, "H100-80GB", slowNodes, 0.25, 0.10, 0.5, 0, 0.0, 1.0, seed);
        }

        public Spec withStragglers(int count, double probability, double factor) {
            return new Spec(
                    name,
                    nodes,
                    gpusPerNode,
                    gpuType,
                    slowNodes,
                    slowNodeFactor,
                    slowPairFraction,
                    slowPairFactor,
                    count,
                    probability,
                    factor,
                    seed);
        }
    }

    public static ClusterProfile generate(Spec spec) {
        SplittableRandom random = new SplittableRandom(spec.seed());
        int[] shuffled = permutation(spec.nodes(), random);
        boolean[] slowNode = new boolean[spec.nodes()];
        for (int i = 0; i < Math.min(spec.slowNodes(), spec.nodes()); i++) {
            slowNode[shuffled[i]] = true;
        }
        boolean[] straggler = new boolean[spec.nodes()];
        int[] stragglerOrder = permutation(spec.nodes(), random);
        for (int i = 0; i < Math.min(spec.stragglerNodes(), spec.nodes()); i++) {
            straggler[stragglerOrder[i]] = true;
        }
        List<NodeProfile> nodes = new ArrayList<>(spec.nodes());
        for (int n = 0; n < spec.nodes(); n++) {
            List<GpuProfile> gpus = new ArrayList<>(spec.gpusPerNode());
            for (int g = 0; g < spec.gpusPerNode(); g++) {
                gpus.add(new GpuProfile(g, spec.gpuType(), null, null, null, null, null));
            }
            ComputeStatistics compute = straggler[n]
                    ? new ComputeStatistics(1.0, spec.slowProbability(), spec.slowdown(), ComputeStatistics.GPU_COMMAND)
                    : null;
            nodes.add(new NodeProfile(nodeName(n), gpus, null, compute, null, null));
        }
        List<LinkProfile> links = new ArrayList<>();
        for (int a = 0; a < spec.nodes(); a++) {
            for (int b = a + 1; b < spec.nodes(); b++) {
                double factor = 1.0;
                if (slowNode[a] || slowNode[b]) {
                    factor = spec.slowNodeFactor();
                } else if (spec.slowPairFraction() > 0 && random.nextDouble() < spec.slowPairFraction()) {
                    factor = spec.slowPairFactor();
                }
                if (factor != 1.0) {
                    links.add(new LinkProfile(
                            nodeName(a), nodeName(b), NOMINAL_GBPS * factor, NOMINAL_LATENCY_US, null, null, null));
                }
            }
        }
        return new ClusterProfile(spec.name(), null, nodes, links, new DefaultLink(NOMINAL_GBPS, NOMINAL_LATENCY_US));
    }

    public static String nodeName(int index) {
        return "node-" + index;
    }

    private static int[] permutation(int size, SplittableRandom random) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
