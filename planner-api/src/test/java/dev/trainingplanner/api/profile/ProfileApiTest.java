package dev.trainingplanner.api.profile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.api.security.TokenService;
import dev.trainingplanner.api.support.PlannerIntegrationTest;
import dev.trainingplanner.api.testing.Api;
import dev.trainingplanner.api.testing.ApiTestSupport;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

@PlannerIntegrationTest
class ProfileApiTest {

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    @Autowired
    JdbcTemplate jdbc;

    String cluster;
    String otherCluster;
    Api admin;
    Api agent;
    String profilesPath;

    @BeforeEach
    void registerClusters() {
        cluster = ApiTestSupport.uniqueName("prof");
        otherCluster = ApiTestSupport.uniqueName("other");
        ApiTestSupport.Tokens tokens = ApiTestSupport.tokens(tokenService, cluster, otherCluster);
        admin = new Api(port, tokens.admin());
        agent = admin.as(tokens.agentOfA());
        assertThat(admin.post("/api/v1/clusters", "{\"name\":\"" + cluster + "\"}")
                        .status())
                .isEqualTo(201);
        assertThat(admin.post("/api/v1/clusters", "{\"name\":\"" + otherCluster + "\"}")
                        .status())
                .isEqualTo(201);
        profilesPath = "/api/v1/clusters/" + cluster + "/profiles";
    }

    @Test
    void anAgentUploadsOnlyForItsCluster() {
        assertThat(agent.post(profilesPath, ApiTestSupport.profile(cluster, 2, 8))
                        .status())
                .isEqualTo(201);
        Api.Answer foreign = agent.post(
                "/api/v1/clusters/" + otherCluster + "/profiles", ApiTestSupport.profile(otherCluster, 1, 8));
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(agent.get(profilesPath).status()).isEqualTo(403);
    }

    @Test
    void aRetriedUploadWithTheSameIdempotencyKeyIsStoredOnce() {
        String body = ApiTestSupport.profile(cluster, 2, 8);
        Api.Answer first = agent.send("POST", profilesPath, body, "application/json", "Idempotency-Key", "round-1");
        Api.Answer retry = agent.send("POST", profilesPath, body, "application/json", "Idempotency-Key", "round-1");

        assertThat(first.status()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.json().get("replayed").asBoolean()).isTrue();
        assertThat(retry.json().get("uploadId").asLong())
                .isEqualTo(first.json().get("uploadId").asLong());
        assertThat(jdbc.queryForObject(
                        "select count(*) from profile_measurement m join cluster c on c.id = m.cluster_id where c.name = ?",
                        Long.class,
                        cluster))
                .isEqualTo(3L);
    }

    @Test
    void partialUploadsMergeIntoTheEffectiveProfileKeepingHistory() {
        String old = Instant.now()
                .minus(3, ChronoUnit.DAYS)
                .truncatedTo(ChronoUnit.SECONDS)
                .toString();
        String whole = "{\"name\":\"" + cluster + "\",\"measuredAt\":\"" + old + "\",\"nodes\":["
                + ApiTestSupport.node("node-0", 8).replaceFirst("\\}$", ",\"nvlinkDomain\":\"rack-7.2\"}") + ","
                + ApiTestSupport.node("node-1", 8)
                + "],\"links\":[{\"from\":\"node-0\",\"to\":\"node-1\",\"bandwidthGbps\":100.0,\"latencyUs\":9.0}]}";
        assertThat(agent.post(profilesPath, whole).status()).isEqualTo(201);

        String oneRoundOfLinkTests = "{\"name\":\"" + cluster + "\",\"links\":["
                + "{\"from\":\"node-0\",\"to\":\"node-1\",\"bandwidthGbps\":380.0,\"latencyUs\":4.0}]}";
        assertThat(agent.post(profilesPath, oneRoundOfLinkTests).status()).isEqualTo(201);
        String oneNodesGpus = "{\"name\":\"" + cluster + "\",\"nodes\":[" + ApiTestSupport.node("node-1", 4) + "]}";
        assertThat(agent.post(profilesPath, oneNodesGpus).status()).isEqualTo(201);

        JsonNode summary = admin.get(profilesPath).json();
        assertThat(summary.get("view").asText()).isEqualTo("summary");
        assertThat(summary.get("nodes").asLong()).isEqualTo(2);
        assertThat(summary.get("gpus").asLong()).isEqualTo(12);
        assertThat(summary.get("links").asLong()).isEqualTo(1);
        assertThat(summary.get("staleMeasurements").asLong()).isEqualTo(1L);
        assertThat(summary.has("profile")).isFalse();

        JsonNode effective = admin.get(profilesPath + "?view=full").json();
        assertThat(effective.at("/page/more").asBoolean()).isFalse();
        JsonNode profile = effective.get("profile");
        assertThat(profile.get("nodes")).hasSize(2);
        assertThat(profile.get("links")).hasSize(1);
        assertThat(profile.get("links").get(0).get("bandwidthGbps").asDouble()).isEqualTo(380.0);
        for (JsonNode node : profile.get("nodes")) {
            boolean node1 = node.get("name").asText().equals("node-1");
            assertThat(node.get("gpus")).hasSize(node1 ? 4 : 8);
            // The NVLink domain is kept with the node it was uploaded with; a node without one has none.
            assertThat(node.path("nvlinkDomain").asText(null)).isEqualTo(node1 ? null : "rack-7.2");
        }
        assertThat(effective.get("staleMeasurements").asLong()).isEqualTo(1L);
        JsonNode node0 = null;
        for (JsonNode m : effective.get("measurements")) {
            if (m.get("subject").asText().equals("node-0")) {
                node0 = m;
            }
        }
        assertThat(node0.get("stale").asBoolean()).isTrue();
        assertThat(node0.get("measuredAt").asText()).isEqualTo(old);

        JsonNode history =
                admin.get(profilesPath + "/history?subject=node-0-%3Enode-1").json();
        assertThat(history).hasSize(2);
        assertThat(history.get(0).get("stale").asBoolean()).isFalse();
        assertThat(history.get(1).get("stale").asBoolean()).isTrue();
        assertThat(history.get(0).get("value").get("bandwidthGbps").asDouble()).isEqualTo(380.0);
        assertThat(history.get(1).get("value").get("bandwidthGbps").asDouble()).isEqualTo(100.0);
        assertThat(admin.get(profilesPath + "/history?subject=node-0-%3Enode-1&offset=1&limit=1")
                        .json()
                        .get(0)
                        .at("/value/bandwidthGbps")
                        .asDouble())
                .isEqualTo(100.0);

        // Pages of the full view follow (kind, subject): the link, then the nodes by name.
        JsonNode second =
                admin.get(profilesPath + "?view=full&offset=1&limit=1").json();
        assertThat(second.at("/profile/nodes/0/name").asText()).isEqualTo("node-0");
        assertThat(second.at("/profile/links")).isEmpty();
        assertThat(second.get("measurements")).hasSize(1);
        assertThat(second.at("/page/totalMeasurements").asLong()).isEqualTo(3);
        assertThat(second.at("/page/more").asBoolean()).isTrue();
        assertThat(admin.get(profilesPath + "?view=full&limit=0").status()).isEqualTo(400);
        assertThat(admin.get(profilesPath + "?view=everything").status()).isEqualTo(400);
    }

    @Test
    void badUploadsAreSpecificProblemsAndStoreNothing() {
        long before = jdbc.queryForObject("select count(*) from profile_upload", Long.class);

        Api.Answer unknownNode = agent.post(
                profilesPath,
                "{\"name\":\"" + cluster + "\",\"links\":[{\"from\":\"node-0\",\"to\":\"ghost\","
                        + "\"bandwidthGbps\":100.0,\"latencyUs\":5.0}]}");
        assertThat(unknownNode.status()).isEqualTo(422);
        assertThat(unknownNode.json().get("detail").asText()).contains("unknown node");
        assertThat(unknownNode.json().get("field").asText()).isEqualTo("links[0]");

        Api.Answer unknownKey =
                agent.post(profilesPath, "{\"name\":\"" + cluster + "\",\"nodes\":[{\"name\":\"n\",\"gpu\":[]}]}");
        assertThat(unknownKey.status()).isEqualTo(400);
        assertThat(unknownKey.json().get("field").asText()).isEqualTo("nodes[0].gpu");

        Api.Answer negative = agent.post(
                profilesPath,
                "{\"name\":\"" + cluster + "\",\"nodes\":[{\"name\":\"n\",\"gpus\":[{\"index\":0,"
                        + "\"type\":\"H100-80GB\",\"memoryBytes\":-5}]}]}");
        assertThat(negative.status()).isEqualTo(422);
        assertThat(negative.json().get("detail").asText()).contains("memoryBytes");

        Api.Answer badDomain = agent.post(
                profilesPath,
                "{\"name\":\"" + cluster + "\",\"nodes\":["
                        + ApiTestSupport.node("n", 1).replaceFirst("\\}$", ",\"nvlinkDomain\":\"rack 7\"}") + "]}");
        assertThat(badDomain.status()).isEqualTo(422);
        assertThat(badDomain.json().get("detail").asText())
                .contains("nvlinkDomain 'rack 7' is not an NVLink domain id");

        Api.Answer absurd = agent.post(
                profilesPath,
                "{\"name\":\"" + cluster + "\",\"nodes\":[" + ApiTestSupport.node("n", 1)
                        + "],\"defaultLink\":{\"bandwidthGbps\":1e9,\"latencyUs\":5.0}}");
        assertThat(absurd.status()).isEqualTo(422);
        assertThat(absurd.json().get("field").asText()).isEqualTo("defaultLink.bandwidthGbps");

        Api.Answer wrongCluster = agent.post(profilesPath, ApiTestSupport.profile("elsewhere", 1, 1));
        assertThat(wrongCluster.status()).isEqualTo(400);
        assertThat(wrongCluster.json().get("field").asText()).isEqualTo("name");

        Api.Answer nan =
                agent.post(profilesPath, "{\"name\":\"" + cluster + "\",\"defaultLink\":{\"bandwidthGbps\":NaN}}");
        assertThat(nan.status()).isEqualTo(400);

        Api.Answer empty = agent.post(profilesPath, "{\"name\":\"" + cluster + "\"}");
        assertThat(empty.status()).isEqualTo(400);

        Api.Answer tooLarge = agent.post(profilesPath, "{\"name\":\"" + "x".repeat(5 * 1024 * 1024) + "\"}");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.json().get("detail").asText()).contains("4194304");

        assertThat(admin.post("/api/v1/clusters/nope/profiles", ApiTestSupport.profile("nope", 1, 1))
                        .status())
                .isEqualTo(404);
        assertThat(jdbc.queryForObject("select count(*) from profile_upload", Long.class))
                .isEqualTo(before);
    }
}
