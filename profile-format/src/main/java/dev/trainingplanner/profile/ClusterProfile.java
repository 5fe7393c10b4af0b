package dev.trainingplanner.profile;

import java.util.List;

/**
 * A measured (or declared) cluster as exchanged between the profiler agent, the REST API and the CLI. The JSON keys
 * are the record components, in this order; see the module README for the format. Values are boxed so that a missing
 * key stays distinguishable from zero and is reported by {@link ClusterProfileValidator}; instants are the ISO-8601
 * text of {@link java.time.Instant#toString()} so that an unparsable one gets its own message.
 *
 * @param measuredAt ISO-8601 instant, or null
 * @param links one entry per direction; a missing reverse direction is taken as symmetric
 * @param defaultLink the link used for node pairs that {@code links} does not list, or null
 */
public record ClusterProfile(
        String name, String measuredAt, List<NodeProfile> nodes, List<LinkProfile> links, DefaultLink defaultLink) {

    public ClusterProfile {
        nodes = nodes == null ? List.of() : nodes;
        links = links == null ? List.of() : links;
    }

    /**
     * One node (server) with its GPUs and optional intra-node and straggler measurements.
     *
     * @param nvlinkDomain the NVLink domain the node's GPUs belong to, shared by every node whose GPUs reach each other
     *     over NVLink (the trays of one GB200/GB300 NVL72 rack); null when the node's NVLink ends at the node
     */
    public record NodeProfile(
            String name,
            List<GpuProfile> gpus,
            IntraNodeProfile intraNode,
            ComputeStatistics compute,
            String measuredAt,
            String nvlinkDomain) {

        public NodeProfile {
            gpus = gpus == null ? List.of() : gpus;
        }
    }

    /**
     * One GPU of a node.
     *
     * @param memoryBytes total memory; null means the catalog value of {@code type}
     * @param memoryUsedBytes memory already taken by other processes, subtracted from what the plan may use
     * @param relativeSpeed measured compute speed relative to the catalog (1.0 = catalog)
     * @param peakTflops dense 16-bit peak; required when {@code type} is not in the catalog
     * @param source {@code measured} (default) or {@code declared}
     */
    public record GpuProfile(
            Integer index,
            String type,
            Long memoryBytes,
            Long memoryUsedBytes,
            Double relativeSpeed,
            Double peakTflops,
            String source) {

        /** {@code source} of a GPU the agent found with {@code nvidia-smi}. */
        public static final String MEASURED = "measured";

        /** {@code source} of a GPU the operator declared ({@code --gpus-file}). */
        public static final String DECLARED = "declared";
    }

    /**
     * Per-direction GPU-pair measurements inside one node; row = from GPU index, column = to.
     *
     * @param bandwidthGBps gigabytes per second
     * @param latencyUs microseconds
     * @param topology cells of {@code nvidia-smi topo -m}, informative only
     */
    public record IntraNodeProfile(
            List<List<Double>> bandwidthGBps, List<List<Double>> latencyUs, List<List<String>> topology) {}

    /**
     * Straggler statistics of a node: with probability {@code slowProbability} an iteration's compute on this node is
     * {@code slowdown} times slower (cost-models.md §8.3 (a)).
     *
     * @param source what measured them: {@value #GPU_COMMAND} (a GPU compute probe) or {@value #CPU_BENCHMARK} (the
     *     agent's built-in CPU benchmark, which measures host noise and so carries no straggler statistics); null when
     *     unknown (written by hand, or by an older agent)
     */
    public record ComputeStatistics(Double relativeSpeed, Double slowProbability, Double slowdown, String source) {

        public static final String GPU_COMMAND = "gpu-command";
        public static final String CPU_BENCHMARK = "cpu-benchmark";
    }

    /** One direction of an inter-node link; bandwidths in gigabits per second (median of repeated tests). */
    public record LinkProfile(
            String from,
            String to,
            Double bandwidthGbps,
            Double latencyUs,
            Double p95BandwidthGbps,
            Double p95LatencyUs,
            String measuredAt) {}

    /** The link assumed between node pairs that are not listed. */
    public record DefaultLink(Double bandwidthGbps, Double latencyUs) {}
}
