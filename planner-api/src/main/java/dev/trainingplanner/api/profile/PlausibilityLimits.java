package dev.trainingplanner.api.profile;

import dev.trainingplanner.api.problem.ClientMistake;
import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ClusterProfile.GpuProfile;
import dev.trainingplanner.profile.ClusterProfile.LinkProfile;
import dev.trainingplanner.profile.ClusterProfile.NodeProfile;

/**
 * Upper bounds that no real cluster reaches, so that a unit mix-up (bits for bytes, ns for µs) or a corrupted number
 * is rejected at the door instead of producing an absurd plan. The engine's validator checks signs and finiteness.
 */
final class PlausibilityLimits {

    static final int MAX_NODES_PER_UPLOAD = 10_000;
    static final int MAX_LINKS_PER_UPLOAD = 100_000;
    static final int MAX_GPUS_PER_NODE = 64;
    static final long MAX_GPU_MEMORY_BYTES = 1L << 44; // 16 TiB
    static final double MAX_PEAK_TFLOPS = 100_000;
    static final double MAX_RELATIVE_SPEED = 100;
    static final double MAX_LINK_BANDWIDTH_GBPS = 100_000; // 100 Tbit/s
    static final double MAX_LATENCY_US = 10_000_000; // 10 s
    static final int MAX_NAME_LENGTH = 200;

    private PlausibilityLimits() {}

    static void check(ClusterProfile profile) {
        if (profile.nodes().size() > MAX_NODES_PER_UPLOAD) {
            throw ClientMistake.invalid("nodes", "at most " + MAX_NODES_PER_UPLOAD + " nodes per upload");
        }
        if (profile.links().size() > MAX_LINKS_PER_UPLOAD) {
            throw ClientMistake.invalid("links", "at most " + MAX_LINKS_PER_UPLOAD + " links per upload");
        }
        for (int n = 0; n < profile.nodes().size(); n++) {
            NodeProfile node = profile.nodes().get(n);
            String where = "nodes[" + n + "]";
            if (node == null) {
                continue;
            }
            name(node.name(), where + ".name");
            if (node.gpus().size() > MAX_GPUS_PER_NODE) {
                throw ClientMistake.invalid(where + ".gpus", "at most " + MAX_GPUS_PER_NODE + " GPUs per node");
            }
            for (int g = 0; g < node.gpus().size(); g++) {
                GpuProfile gpu = node.gpus().get(g);
                String gpuWhere = where + ".gpus[" + g + "]";
                if (gpu == null) {
                    continue;
                }
                if (gpu.memoryBytes() != null && gpu.memoryBytes() > MAX_GPU_MEMORY_BYTES) {
                    throw absurd(gpuWhere + ".memoryBytes", gpu.memoryBytes(), MAX_GPU_MEMORY_BYTES);
                }
                atMost(gpu.peakTflops(), MAX_PEAK_TFLOPS, gpuWhere + ".peakTflops");
                atMost(gpu.relativeSpeed(), MAX_RELATIVE_SPEED, gpuWhere + ".relativeSpeed");
            }
            if (node.compute() != null) {
                atMost(node.compute().relativeSpeed(), MAX_RELATIVE_SPEED, where + ".compute.relativeSpeed");
                atMost(node.compute().slowdown(), MAX_RELATIVE_SPEED, where + ".compute.slowdown");
            }
        }
        for (int l = 0; l < profile.links().size(); l++) {
            LinkProfile link = profile.links().get(l);
            String where = "links[" + l + "]";
            if (link == null) {
                continue;
            }
            atMost(link.bandwidthGbps(), MAX_LINK_BANDWIDTH_GBPS, where + ".bandwidthGbps");
            atMost(link.p95BandwidthGbps(), MAX_LINK_BANDWIDTH_GBPS, where + ".p95BandwidthGbps");
            atMost(link.latencyUs(), MAX_LATENCY_US, where + ".latencyUs");
            atMost(link.p95LatencyUs(), MAX_LATENCY_US, where + ".p95LatencyUs");
        }
        if (profile.defaultLink() != null) {
            atMost(profile.defaultLink().bandwidthGbps(), MAX_LINK_BANDWIDTH_GBPS, "defaultLink.bandwidthGbps");
            atMost(profile.defaultLink().latencyUs(), MAX_LATENCY_US, "defaultLink.latencyUs");
        }
    }

    private static void name(String name, String field) {
        if (name != null && name.length() > MAX_NAME_LENGTH) {
            throw ClientMistake.invalid(field, "names are at most " + MAX_NAME_LENGTH + " characters");
        }
    }

    private static void atMost(Double value, double limit, String field) {
        if (value != null && value > limit) {
            throw absurd(field, value, limit);
        }
    }

    private static ClientMistake absurd(String field, Number value, Number limit) {
        return ClientMistake.invalid(
                field, field + " = " + value + " is implausible (the documented limit is " + limit + ")");
    }
}
