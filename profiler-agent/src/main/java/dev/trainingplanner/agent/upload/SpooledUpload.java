package dev.trainingplanner.agent.upload;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * An upload waiting to be sent: the planner API path it goes to (relative to the planner URL), the idempotency key it
 * was first sent with, and its JSON body.
 */
public record SpooledUpload(String path, String idempotencyKey, JsonNode body) {

    /**
     * Reads spool files of either layout: {@code {path, idempotencyKey, body}}, or the profile-only layout of earlier
     * agents, {@code {cluster, idempotencyKey, profile}}, which a node may still hold after an upgrade.
     */
    @JsonCreator
    static SpooledUpload read(
            @JsonProperty("path") String path,
            @JsonProperty("idempotencyKey") String idempotencyKey,
            @JsonProperty("body") JsonNode body,
            @JsonProperty("cluster") String cluster,
            @JsonProperty("profile") JsonNode profile) {
        return path != null
                ? new SpooledUpload(path, idempotencyKey, body)
                : new SpooledUpload(profilesPath(cluster), idempotencyKey, profile);
    }

    /** {@code api/v1/clusters/{cluster}/profiles}, the cluster name encoded as one path segment. */
    public static String profilesPath(String cluster) {
        return "api/v1/clusters/"
                + URLEncoder.encode(cluster, StandardCharsets.UTF_8).replace("+", "%20") + "/profiles";
    }
}
