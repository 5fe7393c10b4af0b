package dev.trainingplanner.profile;

import dev.trainingplanner.profile.ClusterProfile.ComputeStatistics;
import dev.trainingplanner.profile.ClusterProfile.DefaultLink;
import dev.trainingplanner.profile.ClusterProfile.GpuProfile;
import dev.trainingplanner.profile.ClusterProfile.IntraNodeProfile;
import dev.trainingplanner.profile.ClusterProfile.LinkProfile;
import dev.trainingplanner.profile.ClusterProfile.NodeProfile;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a parsed profile: one specific message per problem, each naming where it is (for example
 * {@code nodes[1] ('node-1').gpus[0].index 3 is outside 0..1}). Names follow {@link ProfileNames}; every number lies
 * within plausibility bounds, lower and upper, that no real cluster leaves, so that a unit mix-up (bits for bytes, ns
 * for µs) or a corrupted value is rejected instead of producing an absurd plan (the bounds are listed in the
 * planner-api README's table of input bounds).
 */
public final class ClusterProfileValidator {

    public static final int MAX_GPUS_PER_NODE = 64;
    public static final long MIN_GPU_MEMORY_BYTES = 1L << 30; // 1 GiB
    public static final long MAX_GPU_MEMORY_BYTES = 1L << 44; // 16 TiB
    public static final double MIN_PEAK_TFLOPS = 0.1;
    public static final double MAX_PEAK_TFLOPS = 100_000;
    public static final double MIN_RELATIVE_SPEED = 0.01;
    public static final double MAX_RELATIVE_SPEED = 100;
    public static final double MAX_SLOWDOWN = 100;
    public static final double MIN_LINK_BANDWIDTH_GBPS = 0.01; // 10 Mbit/s
    public static final double MAX_LINK_BANDWIDTH_GBPS = 100_000; // 100 Tbit/s
    public static final double MIN_INTRA_NODE_BANDWIDTH_GBPS = 0.01;
    public static final double MAX_INTRA_NODE_BANDWIDTH_GBPS = 100_000;
    public static final double MAX_LATENCY_US = 10_000_000; // 10 s
    /** Measurements are not older than this instant (and PostgreSQL's timestamps hold every instant in between). */
    public static final Instant EARLIEST_MEASUREMENT = Instant.parse("2000-01-01T00:00:00Z");
    /** Clocks of agents may run ahead a little; more than this in the future is a wrong clock or a wrong value. */
    public static final Duration MAX_CLOCK_AHEAD = Duration.ofDays(1);

    /** Throws {@link InvalidProfileException} listing every problem; returns the profile when it is usable. */
    public ClusterProfile check(ClusterProfile profile) {
        List<String> problems = problems(profile);
        if (!problems.isEmpty()) {
            throw new InvalidProfileException(problems);
        }
        return profile;
    }

    /** Every problem of the profile; empty when it is usable. */
    public List<String> problems(ClusterProfile profile) {
        List<String> problems = new ArrayList<>();
        if (profile.name() == null || profile.name().isBlank()) {
            problems.add("cluster 'name' is missing");
        } else {
            ProfileNames.clusterNameProblem(profile.name(), "name").ifPresent(problems::add);
        }
        instant(profile.measuredAt(), "measuredAt", problems);
        if (profile.nodes().isEmpty()) {
            problems.add("'nodes' is empty: a cluster needs at least one node");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < profile.nodes().size(); i++) {
            NodeProfile node = profile.nodes().get(i);
            String where = "nodes[" + i + "]";
            if (node == null) {
                problems.add(where + " is null");
                continue;
            }
            if (node.name() == null || node.name().isBlank()) {
                problems.add(where + ".name is missing");
            } else if (!ProfileNames.isNodeName(node.name())) {
                problems.add(ProfileNames.nodeNameProblem(node.name(), where + ".name")
                        .orElseThrow());
                checkNode(node, where, problems);
                continue;
            } else if (!names.add(node.name())) {
                problems.add("duplicate node name '" + node.name() + "' at " + where);
            }
            checkNode(node, where + (node.name() == null ? "" : " ('" + node.name() + "')"), problems);
        }
        Set<String> directions = new HashSet<>();
        for (int i = 0; i < profile.links().size(); i++) {
            LinkProfile link = profile.links().get(i);
            String where = "links[" + i + "]";
            if (link == null) {
                problems.add(where + " is null");
                continue;
            }
            checkLink(link, where, names, directions, problems);
        }
        DefaultLink defaultLink = profile.defaultLink();
        if (defaultLink != null) {
            linkBandwidth(defaultLink.bandwidthGbps(), "defaultLink.bandwidthGbps", problems);
            latency(defaultLink.latencyUs(), "defaultLink.latencyUs", problems);
        }
        return problems;
    }

    private void checkNode(NodeProfile node, String where, List<String> problems) {
        instant(node.measuredAt(), where + ".measuredAt", problems);
        if (node.nvlinkDomain() != null) {
            ProfileNames.nvlinkDomainProblem(node.nvlinkDomain(), where + ".nvlinkDomain")
                    .ifPresent(problems::add);
        }
        if (node.gpus().isEmpty()) {
            problems.add(where + ".gpus is empty: a node needs at least one GPU");
        } else if (node.gpus().size() > MAX_GPUS_PER_NODE) {
            problems.add(where + ".gpus has " + node.gpus().size() + " GPUs; a node has at most " + MAX_GPUS_PER_NODE);
            return;
        }
        Set<Integer> indexes = new HashSet<>();
        for (int g = 0; g < node.gpus().size(); g++) {
            GpuProfile gpu = node.gpus().get(g);
            String gpuWhere = where + ".gpus[" + g + "]";
            if (gpu == null) {
                problems.add(gpuWhere + " is null");
                continue;
            }
            checkGpu(gpu, gpuWhere, indexes, node.gpus().size(), problems);
        }
        if (node.intraNode() != null) {
            checkIntraNode(node.intraNode(), where + ".intraNode", node.gpus().size(), problems);
        }
        ComputeStatistics compute = node.compute();
        if (compute != null) {
            within(
                    compute.relativeSpeed(),
                    MIN_RELATIVE_SPEED,
                    MAX_RELATIVE_SPEED,
                    where + ".compute.relativeSpeed",
                    problems);
            within(compute.slowProbability(), 0.0, 1.0, where + ".compute.slowProbability", problems);
            within(compute.slowdown(), 1.0, MAX_SLOWDOWN, where + ".compute.slowdown", problems);
            String source = compute.source();
            if (source != null
                    && !source.equals(ComputeStatistics.GPU_COMMAND)
                    && !source.equals(ComputeStatistics.CPU_BENCHMARK)) {
                problems.add(where + ".compute.source must be " + ComputeStatistics.GPU_COMMAND + " or "
                        + ComputeStatistics.CPU_BENCHMARK + ", got '" + source + "'");
            }
        }
    }

    private void checkGpu(GpuProfile gpu, String where, Set<Integer> indexes, int gpuCount, List<String> problems) {
        if (gpu.index() == null) {
            problems.add(where + ".index is missing");
        } else if (gpu.index() < 0 || gpu.index() >= gpuCount) {
            problems.add(where + ".index " + gpu.index() + " is outside 0.." + (gpuCount - 1));
        } else if (!indexes.add(gpu.index())) {
            problems.add(where + ".index " + gpu.index() + " appears twice in the node");
        }
        if (gpu.type() == null || gpu.type().isBlank()) {
            problems.add(where + ".type is missing");
        } else if (!ProfileNames.isGpuType(gpu.type())) {
            problems.add(where + ".type " + ProfileNames.quoted(gpu.type()) + " is not a GPU type ("
                    + ProfileNames.GPU_TYPE_RULE + ")");
        } else if (!GpuCatalogNames.isCatalogType(gpu.type())
                && (gpu.memoryBytes() == null || gpu.peakTflops() == null)) {
            problems.add(where + ": unknown GPU type '" + gpu.type() + "' (catalog: " + GpuCatalogNames.names()
                    + "); an unknown type needs both memoryBytes and peakTflops");
        }
        if (gpu.memoryBytes() != null
                && !(gpu.memoryBytes() >= MIN_GPU_MEMORY_BYTES && gpu.memoryBytes() <= MAX_GPU_MEMORY_BYTES)) {
            problems.add(where + ".memoryBytes must be between " + MIN_GPU_MEMORY_BYTES + " and " + MAX_GPU_MEMORY_BYTES
                    + " bytes, got " + gpu.memoryBytes());
        }
        if (gpu.memoryUsedBytes() != null) {
            if (gpu.memoryUsedBytes() < 0) {
                problems.add(where + ".memoryUsedBytes must not be negative, got " + gpu.memoryUsedBytes());
            } else if (gpu.memoryBytes() != null && gpu.memoryUsedBytes() >= gpu.memoryBytes()) {
                problems.add(where + ".memoryUsedBytes " + gpu.memoryUsedBytes() + " leaves no free memory of "
                        + gpu.memoryBytes());
            }
        }
        within(gpu.relativeSpeed(), MIN_RELATIVE_SPEED, MAX_RELATIVE_SPEED, where + ".relativeSpeed", problems);
        within(gpu.peakTflops(), MIN_PEAK_TFLOPS, MAX_PEAK_TFLOPS, where + ".peakTflops", problems);
        if (gpu.source() != null
                && !gpu.source().equals(GpuProfile.MEASURED)
                && !gpu.source().equals(GpuProfile.DECLARED)) {
            problems.add(where + ".source must be 'measured' or 'declared', got '" + gpu.source() + "'");
        }
    }

    private static void checkIntraNode(IntraNodeProfile intra, String where, int gpuCount, List<String> problems) {
        checkMatrix(intra.bandwidthGBps(), where + ".bandwidthGBps", gpuCount, true, problems);
        checkMatrix(intra.latencyUs(), where + ".latencyUs", gpuCount, false, problems);
        if (intra.topology() != null) {
            boolean square = intra.topology().size() == gpuCount
                    && intra.topology().stream().allMatch(row -> row != null && row.size() == gpuCount);
            if (!square) {
                problems.add(where + ".topology must be a " + gpuCount + "x" + gpuCount + " matrix (one row and "
                        + "column per GPU)");
            } else if (!intra.topology().stream().flatMap(List::stream).allMatch(ProfileNames::isTopologyCell)) {
                problems.add(where + ".topology cells are 1-16 letters, digits, '.', '_' or '-' (as nvidia-smi topo"
                        + " -m prints them)");
            }
        }
    }

    private static void checkMatrix(
            List<List<Double>> matrix, String where, int gpuCount, boolean bandwidth, List<String> problems) {
        if (matrix == null) {
            return;
        }
        if (matrix.size() != gpuCount) {
            problems.add(where + " has " + matrix.size() + " rows but the node has " + gpuCount + " GPUs");
            return;
        }
        for (int from = 0; from < gpuCount; from++) {
            List<Double> row = matrix.get(from);
            if (row == null || row.size() != gpuCount) {
                problems.add(where + "[" + from + "] has " + (row == null ? 0 : row.size())
                        + " columns but the node has " + gpuCount + " GPUs");
                continue;
            }
            for (int to = 0; to < gpuCount; to++) {
                Double value = row.get(to);
                String cell = where + "[" + from + "][" + to + "]";
                double max = bandwidth ? MAX_INTRA_NODE_BANDWIDTH_GBPS : MAX_LATENCY_US;
                if (value == null || !Double.isFinite(value) || value < 0) {
                    problems.add(cell + " must be a finite non-negative number, got " + value);
                } else if (bandwidth && from != to && value == 0.0) {
                    problems.add(cell + " is 0: every GPU pair needs a positive bandwidth");
                } else if (bandwidth && from != to) {
                    within(value, MIN_INTRA_NODE_BANDWIDTH_GBPS, max, cell, problems);
                } else {
                    within(value, 0.0, max, cell, problems);
                }
            }
        }
    }

    private static void checkLink(
            LinkProfile link, String where, Set<String> nodeNames, Set<String> directions, List<String> problems) {
        if (link.from() == null || link.to() == null) {
            problems.add(where + " needs both 'from' and 'to'");
            return;
        }
        for (String end : List.of(link.from(), link.to())) {
            if (!ProfileNames.isNodeName(end)) {
                problems.add(ProfileNames.nodeNameProblem(end, where + (end.equals(link.from()) ? ".from" : ".to"))
                        .orElseThrow());
                return;
            }
            if (!nodeNames.contains(end)) {
                problems.add(where + " refers to unknown node '" + end + "'");
            }
        }
        if (link.from().equals(link.to())) {
            problems.add(where + " links node '" + link.from() + "' to itself; intra-node links go in intraNode");
        }
        if (!directions.add(link.from() + "\u0000" + link.to())) {
            problems.add(where + " repeats the direction " + link.from() + " -> " + link.to());
        }
        if (link.bandwidthGbps() == null) {
            problems.add(where + ".bandwidthGbps is missing");
        } else {
            linkBandwidth(link.bandwidthGbps(), where + ".bandwidthGbps", problems);
        }
        if (link.latencyUs() == null) {
            problems.add(where + ".latencyUs is missing");
        } else {
            latency(link.latencyUs(), where + ".latencyUs", problems);
        }
        linkBandwidth(link.p95BandwidthGbps(), where + ".p95BandwidthGbps", problems);
        latency(link.p95LatencyUs(), where + ".p95LatencyUs", problems);
        instant(link.measuredAt(), where + ".measuredAt", problems);
    }

    private static void linkBandwidth(Double gbps, String where, List<String> problems) {
        within(gbps, MIN_LINK_BANDWIDTH_GBPS, MAX_LINK_BANDWIDTH_GBPS, where, problems);
    }

    private static void latency(Double us, String where, List<String> problems) {
        within(us, 0.0, MAX_LATENCY_US, where, problems);
    }

    /** An absent value is fine (defaults apply); a present one lies in [min, max] (NaN never does). */
    private static void within(Double value, double min, double max, String where, List<String> problems) {
        if (value != null && !(value >= min && value <= max)) {
            problems.add(where + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    private static void instant(String value, String where, List<String> problems) {
        if (value == null) {
            return;
        }
        Instant at;
        try {
            at = Instant.parse(value);
        } catch (DateTimeParseException e) {
            problems.add(
                    where + " is not an ISO-8601 instant (e.g. 2026-11-28T05:00:00Z): " + ProfileNames.quoted(value));
            return;
        }
        if (at.isBefore(EARLIEST_MEASUREMENT)) {
            problems.add(where + " " + value + " is before " + EARLIEST_MEASUREMENT);
        } else if (at.isAfter(Instant.now().plus(MAX_CLOCK_AHEAD))) {
            problems.add(where + " " + value + " lies in the future");
        }
    }
}
