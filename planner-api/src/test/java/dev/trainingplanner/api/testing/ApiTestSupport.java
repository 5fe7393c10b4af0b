package dev.trainingplanner.api.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.api.security.Role;
import dev.trainingplanner.api.security.TokenService;
import java.util.UUID;

/** Issues one fresh token per role for a test, through the service's own token store. */
public final class ApiTestSupport {

    private ApiTestSupport() {}

    public record Tokens(String admin, String scheduler, String viewer, String agentOfA, String agentOfB) {}

    public static Tokens tokens(TokenService tokenService, String clusterA, String clusterB) {
        return new Tokens(
                tokenService.issue("test admin", Role.ADMIN, null).secret(),
                tokenService.issue("test scheduler", Role.SCHEDULER, null).secret(),
                tokenService.issue("test viewer", Role.VIEWER, null).secret(),
                tokenService.issue("agent of " + clusterA, Role.AGENT, clusterA).secret(),
                tokenService.issue("agent of " + clusterB, Role.AGENT, clusterB).secret());
    }

    /** A cluster name no other test uses, so tests share one database without stepping on each other. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Registers {@code cluster} as the admin and uploads a {@link #profile} for it as the cluster's agent. */
    public static void registerProfiledCluster(Api admin, Tokens tokens, String cluster, int nodes, int gpusPerNode) {
        assertThat(admin.post("/api/v1/clusters", "{\"name\":\"" + cluster + "\"}")
                        .status())
                .isEqualTo(201);
        assertThat(admin.as(tokens.agentOfA())
                        .post("/api/v1/clusters/" + cluster + "/profiles", profile(cluster, nodes, gpusPerNode))
                        .status())
                .isEqualTo(201);
    }

    /** A profile in the shared format: {@code nodes} nodes of {@code gpusPerNode} H100s, all links 400 Gbit/s. */
    public static String profile(String cluster, int nodes, int gpusPerNode) {
        StringBuilder json = new StringBuilder("{\"name\":\"" + cluster + "\",\"nodes\":[");
        for (int n = 0; n < nodes; n++) {
            json.append(n == 0 ? "" : ",").append(node("node-" + n, gpusPerNode));
        }
        json.append("],\"defaultLink\":{\"bandwidthGbps\":400.0,\"latencyUs\":5.0}}");
        return json.toString();
    }

    public static String node(String name, int gpus) {
        StringBuilder json = new StringBuilder("{\"name\":\"" + name + "\",\"gpus\":[");
        for (int g = 0; g < gpus; g++) {
            json.append(g == 0 ? "" : ",")
                    .append("{\"index\":")
                    .append(g)
                    .append(",\"type\":\"H100-80GB\",\"memoryBytes\":85520809984}");
        }
        return json.append("]}").toString();
    }
}
