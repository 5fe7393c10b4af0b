package dev.trainingplanner.engine.profile;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import dev.trainingplanner.costmodel.cluster.GpuType;
import dev.trainingplanner.costmodel.cluster.StragglerModel;
import dev.trainingplanner.engine.plan.SearchStoppedException;
import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ClusterProfile.GpuProfile;
import dev.trainingplanner.profile.ClusterProfile.LinkProfile;
import dev.trainingplanner.profile.ClusterProfile.NodeProfile;
import dev.trainingplanner.profile.GpuCatalogNames;
import dev.trainingplanner.profile.InvalidProfileException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a validated profile into the cost-model {@link Cluster}, leaving out excluded nodes and GPUs (failed, or busy
 * with other jobs). The cost model needs one GPU type and the same number of GPUs on every node; when nodes have
 * different counts after exclusions, each node contributes its lowest-indexed usable GPUs up to the smallest count,
 * and the others are reported as left out.
 */
public final class ClusterConverter {

    private static final double BITS_PER_BYTE = 8.0;
    private static final String CONVERSION = "profile conversion";

    /**
     * @param excludedNodes node names to leave out
     * @param excludedGpus GPUs to leave out, as {@code node:index}
     */
    public ProfiledCluster convert(ClusterProfile profile, Set<String> excludedNodes, Set<String> excludedGpus) {
        Set<String> knownNodes = new HashSet<>();
        profile.nodes().forEach(n -> knownNodes.add(n.name()));
        for (String name : excludedNodes) {
            if (!knownNodes.contains(name)) {
                throw new InvalidProfileException(
                        "excluded node '" + name + "' is not in cluster '" + profile.name() + "'");
            }
        }
        for (String gpu : excludedGpus) {
            int colon = gpu.lastIndexOf(':');
            if (colon <= 0 || !knownNodes.contains(gpu.substring(0, colon))) {
                throw new InvalidProfileException("excluded GPU '" + gpu
                        + "' must be NODE:INDEX with a node of cluster '" + profile.name() + "'");
            }
        }
        List<String> excluded = new ArrayList<>();
        List<NodeProfile> nodes = new ArrayList<>();
        Map<NodeProfile, List<GpuProfile>> usable = new IdentityHashMap<>();
        for (NodeProfile node : profile.nodes()) {
            SearchStoppedException.throwIfInterrupted(CONVERSION);
            if (excludedNodes.contains(node.name())) {
                excluded.add("node " + node.name() + ": excluded on request");
                continue;
            }
            List<GpuProfile> gpus = new ArrayList<>();
            for (GpuProfile gpu : node.gpus()) {
                if (excludedGpus.contains(node.name() + ":" + gpu.index())) {
                    excluded.add("GPU " + node.name() + ":" + gpu.index() + ": excluded on request");
                } else {
                    gpus.add(gpu);
                }
            }
            gpus.sort(Comparator.comparing(GpuProfile::index));
            if (gpus.isEmpty()) {
                excluded.add("node " + node.name() + ": no usable GPU left");
                continue;
            }
            nodes.add(node);
            usable.put(node, gpus);
        }
        if (nodes.isEmpty()) {
            throw new InvalidProfileException("no node of cluster '" + profile.name() + "' is left after exclusions");
        }
        GpuType type = commonType(nodes, usable);
        int gpusPerNode = usable.values().stream().mapToInt(List::size).min().orElseThrow();
        List<String> defaults = new ArrayList<>();
        Cluster.Builder builder;
        try {
            builder = Cluster.builder(type, nodes.size(), gpusPerNode);
        } catch (InvalidInputException e) {
            throw new InvalidProfileException(e.getMessage());
        }
        Map<String, Integer> index = new HashMap<>();
        List<String> names = new ArrayList<>();
        int[][] gpuIndexes = new int[nodes.size()][gpusPerNode];
        boolean anyMemoryDefault = false;
        for (int n = 0; n < nodes.size(); n++) {
            SearchStoppedException.throwIfInterrupted(CONVERSION);
            NodeProfile node = nodes.get(n);
            index.put(node.name(), n);
            names.add(node.name());
            List<GpuProfile> gpus = usable.get(node);
            for (int extra = gpusPerNode; extra < gpus.size(); extra++) {
                excluded.add("GPU " + node.name() + ":" + gpus.get(extra).index() + ": every node must use the same "
                        + "number of GPUs (" + gpusPerNode + ")");
            }
            double nodeSpeed = node.compute() == null || node.compute().relativeSpeed() == null
                    ? 1.0
                    : node.compute().relativeSpeed();
            for (int local = 0; local < gpusPerNode; local++) {
                GpuProfile gpu = gpus.get(local);
                gpuIndexes[n][local] = gpu.index();
                long total = gpu.memoryBytes() == null ? type.memoryBytes() : gpu.memoryBytes();
                anyMemoryDefault |= gpu.memoryBytes() == null;
                long used = gpu.memoryUsedBytes() == null ? 0 : gpu.memoryUsedBytes();
                builder.usableMemory(n, local, total - used);
                double speed = (gpu.relativeSpeed() == null ? 1.0 : gpu.relativeSpeed()) * nodeSpeed;
                builder.relativeSpeed(n, local, speed);
            }
            if (node.compute() != null && node.compute().slowProbability() != null) {
                double slowdown =
                        node.compute().slowdown() == null ? 1.0 : node.compute().slowdown();
                builder.straggler(n, StragglerModel.bernoulli(node.compute().slowProbability(), slowdown));
            }
            addIntraNode(builder, node, n, gpuIndexes[n]);
            // Nodes that share a domain (the trays of one NVL72 rack) reach each other's GPUs over NVLink.
            builder.nvlinkDomain(n, node.nvlinkDomain());
        }
        if (anyMemoryDefault) {
            defaults.add("GPU memory: catalog " + type.name() + " " + type.memoryBytes() + " bytes where memoryBytes "
                    + "is absent");
        }
        if (nodes.stream().anyMatch(n -> n.intraNode() == null || n.intraNode().bandwidthGBps() == null)) {
            defaults.add(String.format(
                    Locale.ROOT,
                    "intra-node GPU links: catalog %s %.0f GB/s per direction, where intraNode is absent",
                    type.name(),
                    type.intraNodeBandwidthBytesPerSecond() / 1e9));
        }
        double interLatencySeconds = Cluster.DEFAULT_INTER_LATENCY_SECONDS;
        if (profile.defaultLink() != null && profile.defaultLink().bandwidthGbps() != null) {
            builder.nodeNetworkBandwidth(profile.defaultLink().bandwidthGbps() * 1e9 / BITS_PER_BYTE);
        } else {
            defaults.add(String.format(
                    Locale.ROOT,
                    "unlisted node pairs: catalog node network %.0f Gbit/s (no defaultLink.bandwidthGbps)",
                    type.nodeNetworkBandwidthBytesPerSecond() * BITS_PER_BYTE / 1e9));
        }
        if (profile.defaultLink() != null && profile.defaultLink().latencyUs() != null) {
            interLatencySeconds = profile.defaultLink().latencyUs() * 1e-6;
        } else {
            defaults.add("unlisted node pairs: latency " + Cluster.DEFAULT_INTER_LATENCY_SECONDS * 1e6
                    + " us (no defaultLink.latencyUs)");
        }
        builder.defaultLatencies(Cluster.DEFAULT_INTRA_LATENCY_SECONDS, interLatencySeconds);
        addLinks(builder, profile.links(), index);
        return new ProfiledCluster(
                profile.name(), builder.build(), List.copyOf(names), gpuIndexes, List.copyOf(defaults), excluded);
    }

    private static GpuType commonType(List<NodeProfile> nodes, Map<NodeProfile, List<GpuProfile>> usable) {
        // Sets keep this linear in nodes: a list contains() per node made a 100,000-node cluster take minutes.
        Map<String, Set<String>> nodesByType = new LinkedHashMap<>();
        GpuProfile first = null;
        for (NodeProfile node : nodes) {
            for (GpuProfile gpu : usable.get(node)) {
                first = first == null ? gpu : first;
                nodesByType
                        .computeIfAbsent(gpu.type().trim().toLowerCase(Locale.ROOT), t -> new LinkedHashSet<>())
                        .add(node.name());
            }
        }
        if (nodesByType.size() > 1) {
            StringBuilder message =
                    new StringBuilder("the cost model plans one GPU type per job but the cluster mixes ");
            nodesByType.forEach((type, holders) -> message.append(type)
                    .append(" (")
                    .append(holders.size() <= 3 ? String.join(", ", holders) : holders.size() + " nodes")
                    .append(") "));
            message.append("; exclude the nodes of the other types (--exclude-nodes)");
            throw new InvalidProfileException(message.toString().replace(" ;", ";"));
        }
        if (GpuCatalogNames.isCatalogType(first.type())) {
            return GpuCatalog.byName(first.type());
        }
        GpuType reference = GpuCatalog.byName("H100-80GB");
        try {
            return new GpuType(
                    first.type(),
                    first.peakTflops(),
                    first.peakTflops(),
                    0,
                    first.memoryBytes(),
                    reference.hbmBandwidthBytesPerSecond(),
                    reference.intraNodeBandwidthBytesPerSecond(),
                    0,
                    reference.nodeNetworkBandwidthBytesPerSecond(),
                    usable.get(nodes.get(0)).size(),
                    reference.streamingMultiprocessors());
        } catch (InvalidInputException e) {
            throw new InvalidProfileException("GPU type '" + first.type() + "': " + e.getMessage());
        }
    }

    private static void addIntraNode(Cluster.Builder builder, NodeProfile node, int n, int[] profileIndexOfLocal) {
        if (node.intraNode() == null || node.intraNode().bandwidthGBps() == null) {
            return;
        }
        List<List<Double>> bandwidth = node.intraNode().bandwidthGBps();
        List<List<Double>> latency = node.intraNode().latencyUs();
        for (int from = 0; from < profileIndexOfLocal.length; from++) {
            for (int to = 0; to < profileIndexOfLocal.length; to++) {
                if (from == to) {
                    continue;
                }
                // Matrix rows and columns are profile GPU indexes (validated to be 0..n-1).
                int a = profileIndexOfLocal[from];
                int b = profileIndexOfLocal[to];
                double latencySeconds = latency == null
                        ? Cluster.DEFAULT_INTRA_LATENCY_SECONDS
                        : latency.get(a).get(b) * 1e-6;
                builder.intraLink(n, from, to, bandwidth.get(a).get(b) * 1e9, latencySeconds);
            }
        }
    }

    private static void addLinks(Cluster.Builder builder, List<LinkProfile> links, Map<String, Integer> index) {
        Set<Long> listed = new HashSet<>();
        int nodeCount = index.size();
        for (LinkProfile link : links) {
            Integer from = index.get(link.from());
            Integer to = index.get(link.to());
            if (from == null || to == null) {
                continue;
            }
            builder.interLink(from, to, link.bandwidthGbps() * 1e9 / BITS_PER_BYTE, link.latencyUs() * 1e-6);
            listed.add((long) from * nodeCount + to);
        }
        for (LinkProfile link : links) {
            Integer from = index.get(link.from());
            Integer to = index.get(link.to());
            if (from == null || to == null || listed.contains((long) to * nodeCount + from)) {
                continue;
            }
            // A missing reverse direction is taken as symmetric (module README, "Cluster profile format").
            builder.interLink(to, from, link.bandwidthGbps() * 1e9 / BITS_PER_BYTE, link.latencyUs() * 1e-6);
        }
    }
}
