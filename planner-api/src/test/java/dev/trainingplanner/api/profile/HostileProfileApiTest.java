package dev.trainingplanner.api.profile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.api.security.TokenService;
import dev.trainingplanner.api.support.PlannerIntegrationTest;
import dev.trainingplanner.api.testing.Api;
import dev.trainingplanner.api.testing.ApiTestSupport;
import java.sql.Timestamp;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What an agent token (the lowest role) can send to the profile endpoint: hostile names, implausible numbers, ambiguous
 * JSON, text PostgreSQL cannot store and reused idempotency keys are specific problems naming their field, and nothing
 * is stored; links stay distinct by their ends.
 */
@PlannerIntegrationTest
class HostileProfileApiTest {

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    @Autowired
    JdbcTemplate jdbc;

    String cluster;
    Api admin;
    Api agent;
    String profilesPath;

    @BeforeEach
    void registerCluster() {
        cluster = ApiTestSupport.uniqueName("hostile");
        ApiTestSupport.Tokens tokens = ApiTestSupport.tokens(tokenService, cluster, "other");
        admin = new Api(port, tokens.admin());
        agent = admin.as(tokens.agentOfA());
        assertThat(admin.post("/api/v1/clusters", "{\"name\":\"" + cluster + "\"}")
                        .status())
                .isEqualTo(201);
        profilesPath = "/api/v1/clusters/" + cluster + "/profiles";
    }

    private String profileOf(String... nodeNames) {
        StringBuilder json = new StringBuilder("{\"name\":\"" + cluster + "\",\"nodes\":[");
        for (int i = 0; i < nodeNames.length; i++) {
            json.append(i == 0 ? "" : ",").append(ApiTestSupport.node(nodeNames[i], 8));
        }
        return json.append("]}").toString();
    }

    private long uploads() {
        return jdbc.queryForObject(
                "select count(*) from profile_upload u join cluster c on c.id = u.cluster_id where c.name = ?",
                Long.class,
                cluster);
    }

    @Test
    void hostileNodeNamesAreRejectedNamingTheField() {
        Api.Answer injection = agent.post(profilesPath, profileOf("n0$(touch /tmp/pwned)"));
        Api.Answer newline = agent.post(profilesPath, profileOf("node-0", "n2\\nattacker.example.com slots=8"));
        Api.Answer separator = agent.post(profilesPath, profileOf("a", "b->c"));

        assertThat(injection.status()).isEqualTo(422);
        assertThat(injection.json().get("field").asText()).isEqualTo("nodes[0].name");
        assertThat(injection.json().get("detail").asText()).contains("is not a node name");
        assertThat(newline.status()).isEqualTo(422);
        assertThat(newline.json().get("field").asText()).isEqualTo("nodes[1].name");
        assertThat(separator.status()).isEqualTo(422);
        assertThat(separator.json().get("field").asText()).isEqualTo("nodes[1].name");
        assertThat(uploads()).isZero();
    }

    @Test
    void twoLinksWhoseOldSubjectsCollideStayTwo() {
        assertThat(agent.post(profilesPath, profileOf("a", "b", "c")).status()).isEqualTo(201);
        long clusterId = jdbc.queryForObject("select id from cluster where name = ?", Long.class, cluster);
        long uploadId =
                jdbc.queryForObject("select max(id) from profile_upload where cluster_id = ?", Long.class, clusterId);
        // Stored as an older version could have stored them: both links have the subject 'a->b->c'.
        for (String[] ends : new String[][] {{"a", "b->c"}, {"a->b", "c"}}) {
            jdbc.update(
                    """
                    insert into profile_measurement
                        (cluster_id, upload_id, kind, subject, link_from, link_to, measured_at, received_at, body)
                    values (?, ?, 'link', 'a->b->c', ?, ?, ?, ?, ?)""",
                    clusterId,
                    uploadId,
                    ends[0],
                    ends[1],
                    Timestamp.from(Instant.now()),
                    Timestamp.from(Instant.now()),
                    "{\"from\":\"" + ends[0] + "\",\"to\":\"" + ends[1]
                            + "\",\"bandwidthGbps\":100.0,\"latencyUs\":5.0}");
        }

        JsonNode links =
                admin.get(profilesPath + "?view=full").json().get("profile").get("links");

        assertThat(links).hasSize(2);
    }

    @Test
    void twoDistinctLinksOfOneUploadStayTwo() {
        String upload = "{\"name\":\"" + cluster + "\",\"nodes\":[" + ApiTestSupport.node("a", 8) + ","
                + ApiTestSupport.node("b", 8) + "," + ApiTestSupport.node("c", 8) + "],\"links\":["
                + "{\"from\":\"a\",\"to\":\"b\",\"bandwidthGbps\":100.0,\"latencyUs\":5.0},"
                + "{\"from\":\"b\",\"to\":\"c\",\"bandwidthGbps\":200.0,\"latencyUs\":5.0}]}";

        assertThat(agent.post(profilesPath, upload).status()).isEqualTo(201);

        assertThat(admin.get(profilesPath + "?view=full").json().get("profile").get("links"))
                .hasSize(2);
        assertThat(admin.get(profilesPath + "/history?subject=b-%3Ec").json()).hasSize(1);
    }

    @Test
    void aReusedIdempotencyKeyWithAnotherBodyIs422AndStoresNothing() {
        String first = profileOf("node-0");
        assertThat(agent.send("POST", profilesPath, first, "application/json", "Idempotency-Key", "k-1")
                        .status())
                .isEqualTo(201);

        Api.Answer other =
                agent.send("POST", profilesPath, profileOf("node-9"), "application/json", "Idempotency-Key", "k-1");
        Api.Answer invalid =
                agent.send("POST", profilesPath, "{\"name\":\"x\"}", "application/json", "Idempotency-Key", "k-1");
        Api.Answer same = agent.send("POST", profilesPath, first, "application/json", "Idempotency-Key", "k-1");

        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().get("field").asText()).isEqualTo("Idempotency-Key");
        assertThat(other.json().get("detail").asText()).contains("with a different body");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(same.status()).isEqualTo(200);
        assertThat(same.json().get("replayed").asBoolean()).isTrue();
        assertThat(uploads()).isEqualTo(1);
    }

    @Test
    void valuesPostgresCannotStoreAreClientMistakes() {
        Api.Answer nul = agent.post(profilesPath, profileOf("node\\u00000"));
        Api.Answer farPast = agent.post(
                profilesPath,
                profileOf("node-0")
                        .replaceFirst("\\{\"name\"", "{\"measuredAt\":\"-999999999-01-01T00:00:00Z\",\"name\""));
        Api.Answer yearOne = agent.post(
                profilesPath,
                profileOf("node-0").replaceFirst("\\{\"name\"", "{\"measuredAt\":\"0001-01-01T00:00:00Z\",\"name\""));
        Api.Answer nulSubject = admin.get(profilesPath + "/history?subject=%00");

        assertThat(nul.status()).isEqualTo(400);
        assertThat(nul.json().get("field").asText()).isEqualTo("nodes[0].name");
        assertThat(farPast.status()).isEqualTo(422);
        assertThat(farPast.json().get("field").asText()).isEqualTo("measuredAt");
        assertThat(yearOne.status()).isEqualTo(422);
        assertThat(nulSubject.status()).isEqualTo(400);
        assertThat(nulSubject.json().get("field").asText()).isEqualTo("subject");
        assertThat(uploads()).isZero();
    }

    @Test
    void historyWithoutSubjectListsEveryMeasurement() {
        assertThat(agent.post(profilesPath, profileOf("node-0", "node-1")).status())
                .isEqualTo(201);

        Api.Answer history = admin.get(profilesPath + "/history");

        assertThat(history.status()).isEqualTo(200);
        assertThat(history.json()).hasSize(2);
    }

    @Test
    void duplicateKeysNullElementsAndImplausibleNumbersAreRejected() {
        Api.Answer duplicate = agent.post(
                profilesPath, profileOf("node-0").replaceFirst("\\{\"name\"", "{\"name\":\"other\",\"name\""));
        Api.Answer nullNode = agent.post(profilesPath, "{\"name\":\"" + cluster + "\",\"nodes\":[null]}");
        Api.Answer tinyBandwidth = agent.post(
                profilesPath,
                "{\"name\":\"" + cluster + "\",\"nodes\":[" + ApiTestSupport.node("node-0", 8)
                        + "],\"defaultLink\":{\"bandwidthGbps\":1e-300,\"latencyUs\":5.0}}");
        Api.Answer hugeMemory =
                agent.post(profilesPath, profileOf("node-0").replaceFirst("85520809984", "1400000000000000000"));

        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.json().get("detail").asText()).contains("Duplicate field 'name'");
        assertThat(nullNode.status()).isEqualTo(400);
        assertThat(nullNode.json().get("field").asText()).isEqualTo("nodes[0]");
        assertThat(tinyBandwidth.status()).isEqualTo(422);
        assertThat(tinyBandwidth.json().get("field").asText()).isEqualTo("defaultLink.bandwidthGbps");
        assertThat(hugeMemory.status()).isEqualTo(422);
        assertThat(hugeMemory.json().get("field").asText()).isEqualTo("nodes[0]");
        assertThat(uploads()).isZero();
    }
}
