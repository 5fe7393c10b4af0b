package dev.trainingplanner.api.ui;

import java.util.Locale;
import java.util.function.BiFunction;

/** Cluster profiles in the shared format for the browser tests: n nodes of 8 H100s with chosen link bandwidths. */
final class Profiles {

    static final long H100_MEMORY_BYTES = 85_520_809_984L;

    private Profiles() {}

    /**
     * All nodes, plus one link per node pair (listed once: the reverse is symmetric) with the bandwidth that
     * {@code bandwidthGbps(from, to)} gives, and a 400 Gbit/s default link.
     */
    static String cluster(
            String name,
            int nodes,
            int gpusPerNode,
            String measuredAt,
            BiFunction<Integer, Integer, Double> bandwidthGbps) {
        StringBuilder json = new StringBuilder(64 * nodes * nodes + 256 * nodes * gpusPerNode);
        json.append("{\"name\":\"")
                .append(name)
                .append("\",\"measuredAt\":\"")
                .append(measuredAt)
                .append("\",\"nodes\":[");
        for (int n = 0; n < nodes; n++) {
            json.append(n == 0 ? "" : ",").append(node(n, gpusPerNode, measuredAt));
        }
        json.append("],\"links\":[");
        boolean first = true;
        for (int a = 0; a < nodes; a++) {
            for (int b = a + 1; b < nodes; b++) {
                json.append(first ? "" : ",").append(link(a, b, bandwidthGbps.apply(a, b), measuredAt));
                first = false;
            }
        }
        return json.append("],\"defaultLink\":{\"bandwidthGbps\":400.0,\"latencyUs\":5.0}}")
                .toString();
    }

    static String node(int n, int gpus, String measuredAt) {
        StringBuilder json = new StringBuilder("{\"name\":\"node-" + n + "\",\"gpus\":[");
        for (int g = 0; g < gpus; g++) {
            json.append(g == 0 ? "" : ",")
                    .append("{\"index\":")
                    .append(g)
                    .append(",\"type\":\"H100-80GB\",\"memoryBytes\":")
                    .append(H100_MEMORY_BYTES)
                    .append(",\"relativeSpeed\":")
                    .append(g == 3 && n == 0 ? "0.9" : "1.0")
                    .append('}');
        }
        return json.append(
                        "],\"compute\":{\"relativeSpeed\":1.0,\"slowProbability\":0.02,\"slowdown\":1.6},\"measuredAt\":\"")
                .append(measuredAt)
                .append("\"}")
                .toString();
    }

    static String link(int a, int b, double bandwidthGbps, String measuredAt) {
        return String.format(
                Locale.ROOT,
                "{\"from\":\"node-%d\",\"to\":\"node-%d\",\"bandwidthGbps\":%.1f,\"latencyUs\":5.0,\"measuredAt\":\"%s\"}",
                a,
                b,
                bandwidthGbps,
                measuredAt);
    }

    static String links(String name, String measuredAt, String... linkJson) {
        return "{\"name\":\"" + name + "\",\"measuredAt\":\"" + measuredAt + "\",\"links\":["
                + String.join(",", linkJson) + "]}";
    }
}
