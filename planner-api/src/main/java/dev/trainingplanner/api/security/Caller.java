package dev.trainingplanner.api.security;

/** Who sent a request: the token's role, and for an agent the one cluster it may upload to. */
public record Caller(long tokenId, String tokenName, Role role, String clusterName) {

    public boolean mayUploadTo(String cluster) {
        return role == Role.ADMIN || (role == Role.AGENT && cluster.equals(clusterName));
    }
}
