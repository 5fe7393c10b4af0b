package dev.trainingplanner.api.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainingplanner.api.security.TokenService;
import dev.trainingplanner.api.support.PlannerIntegrationTest;
import dev.trainingplanner.api.testing.Api;
import dev.trainingplanner.api.testing.ApiTestSupport;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Throws a few hundred malformed requests (truncated JSON, wrong types, unknown fields, negative, absurd and missing
 * values, wrong content types, garbage bytes, bad ids) at every writing endpoint: every answer must be a 4xx problem,
 * and the database must be unchanged.
 */
@PlannerIntegrationTest
class MalformedRequestFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Fields whose absence alone makes a request invalid (the others are optional or alternatives). */
    private static final java.util.Set<String> REQUIRED = java.util.Set.of(
            "name",
            "layers",
            "hiddenSize",
            "attentionHeads",
            "model",
            "goal",
            "globalBatchSequences",
            "layout",
            "role");

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    @Autowired
    JdbcTemplate jdbc;

    /** A valid request and, per field, values that make it invalid. */
    record Target(String path, String validBody, Map<String, List<Object>> badValues) {}

    @Test
    void malformedRequestsGetOnly4xxAndChangeNothing() throws Exception {
        String cluster = ApiTestSupport.uniqueName("fuzz");
        ApiTestSupport.Tokens tokens = ApiTestSupport.tokens(tokenService, cluster, "b");
        Api admin = new Api(port, tokens.admin());
        admin.post("/api/v1/clusters", "{\"name\":\"" + cluster + "\"}");
        admin.post("/api/v1/clusters/" + cluster + "/profiles", ApiTestSupport.profile(cluster, 2, 8));
        String jobId = admin.post(
                        "/api/v1/jobs",
                        "{\"name\":\"f\",\"cluster\":\"" + cluster
                                + "\",\"model\":\"gpt3-1.3b\",\"active\":false,\"goal\":{\"globalBatchSequences\":8,\"gpus\":8}}")
                .json()
                .get("id")
                .asText();

        List<Object> notAString = List.of(12, List.of(), Map.of("x", 1), true);
        List<Object> notAPositiveInt = List.of("abc", -5, 0, 1e15, 2.5, List.of(1), Map.of());
        List<Target> targets = List.of(
                new Target(
                        "/api/v1/clusters",
                        "{\"name\":\"fz-new\",\"description\":\"d\"}",
                        Map.of("name", List.of("", "has space", "../x", 12, List.of()), "description", notAString)),
                new Target(
                        "/api/v1/clusters/" + cluster + "/profiles",
                        ApiTestSupport.profile(cluster, 1, 2).replace("node-0", "node-9"),
                        Map.of(
                                "name",
                                List.of("other-cluster", 12),
                                "nodes",
                                List.of("x", 5, Map.of()),
                                "defaultLink",
                                List.of("fast", 1, List.of()))),
                new Target(
                        "/api/v1/models",
                        "{\"name\":\"fz-model\",\"layers\":4,\"hiddenSize\":256,\"attentionHeads\":4,\"vocabularySize\":1000,\"sequenceLength\":128}",
                        Map.of(
                                "name",
                                List.of("", "a b", List.of()),
                                "layers",
                                notAPositiveInt,
                                "hiddenSize",
                                notAPositiveInt,
                                "mlp",
                                List.of("relu", 3),
                                "attentionHeads",
                                List.of(3, -1, "x"))),
                new Target(
                        "/api/v1/jobs",
                        "{\"name\":\"fz\",\"cluster\":\"" + cluster
                                + "\",\"model\":\"gpt3-1.3b\",\"active\":false,\"goal\":{\"globalBatchSequences\":8,\"gpus\":8}}",
                        Map.of(
                                "cluster",
                                List.of("no-such-cluster", "", List.of()),
                                "model",
                                List.of("no-such-model", 4),
                                "goal",
                                List.of("x", 5, List.of(), Map.of("gpus", 8)),
                                "webhookUrl",
                                List.of("not a url", "ftp://x/y", 5),
                                "active",
                                List.of("yes", 3))),
                new Target(
                        "/api/v1/plans",
                        "{\"cluster\":\"" + cluster
                                + "\",\"model\":\"gpt3-1.3b\",\"goal\":{\"globalBatchSequences\":8,\"gpus\":8},\"options\":{\"timeLimitSeconds\":1}}",
                        Map.of(
                                "cluster",
                                List.of("no-such-cluster", List.of()),
                                "model",
                                List.of("no-such-model"),
                                "goal",
                                List.of("x", List.of(), Map.of("gpus", -1, "globalBatchSequences", 8)),
                                "options",
                                List.of(
                                        "x",
                                        Map.of("timeLimitSeconds", 0),
                                        Map.of("headroomFraction", Double.MAX_VALUE),
                                        Map.of("zeroStages", List.of(7)),
                                        Map.of("precision", "fp64")),
                                "jobId",
                                List.of("not-a-uuid", "00000000-0000-0000-0000-000000000000", 5))),
                new Target(
                        "/api/v1/estimates",
                        "{\"cluster\":\"" + cluster
                                + "\",\"model\":\"gpt3-1.3b\",\"globalBatchSequences\":8,\"layout\":{\"tensorParallel\":8,\"pipelineParallel\":1,\"dataParallel\":1}}",
                        Map.of(
                                "cluster",
                                List.of("no-such-cluster"),
                                "globalBatchSequences",
                                notAPositiveInt,
                                "layout",
                                List.of(
                                        "x",
                                        Map.of("tensorParallel", 0, "pipelineParallel", 1, "dataParallel", 1),
                                        Map.of("tensorParallel", 4096, "pipelineParallel", 4096, "dataParallel", 4096)),
                                "placement",
                                List.of("x", List.of(Map.of("rank", 0, "node", "ghost", "gpu", 0))),
                                "planId",
                                List.of("nope", "00000000-0000-0000-0000-000000000000"))),
                new Target(
                        "/api/v1/tokens",
                        "{\"name\":\"fz\",\"role\":\"viewer\"}",
                        Map.of(
                                "role",
                                List.of("root", "", 3, List.of()),
                                "name",
                                List.of("", List.of()),
                                "cluster",
                                List.of("x", List.of()))));

        Map<String, Long> before = snapshot();
        Timestamp started = Timestamp.from(Instant.now());
        Random random = new Random(42);
        List<String> answers = new ArrayList<>();
        int requests = 0;
        for (Target target : targets) {
            ObjectNode valid = (ObjectNode) JSON.readTree(target.validBody());
            for (Map.Entry<String, List<Object>> field : target.badValues().entrySet()) {
                for (Object bad : field.getValue()) {
                    ObjectNode body = valid.deepCopy();
                    body.set(field.getKey(), JSON.valueToTree(bad));
                    requests += send(admin, "POST", target.path(), body.toString(), "application/json", answers);
                }
                ObjectNode missing = valid.deepCopy();
                missing.remove(field.getKey());
                if (REQUIRED.contains(field.getKey())) {
                    requests += send(admin, "POST", target.path(), missing.toString(), "application/json", answers);
                }
            }
            String text = valid.toString();
            for (int i = 0; i < 12; i++) {
                int cut = 1 + random.nextInt(text.length() - 2);
                requests += send(admin, "POST", target.path(), text.substring(0, cut), "application/json", answers);
            }
            ObjectNode unknown = valid.deepCopy();
            unknown.put("unexpectedField" + random.nextInt(1000), 1);
            requests += send(admin, "POST", target.path(), unknown.toString(), "application/json", answers);
            for (String wrong : List.of(
                    "[]", "\"text\"", "42", "null", "{}", "{\"a\":NaN}", "{\"a\":1}{\"b\":2}", "\u0000\u0001garbage")) {
                requests += send(admin, "POST", target.path(), wrong, "application/json", answers);
            }
            byte[] noise = new byte[64];
            random.nextBytes(noise);
            requests += send(
                    admin,
                    "POST",
                    target.path(),
                    new String(noise, java.nio.charset.StandardCharsets.ISO_8859_1),
                    "application/json",
                    answers);
            requests += send(admin, "POST", target.path(), text, "text/plain", answers);
            requests += send(admin, "POST", target.path(), text, "application/xml", answers);
            requests += send(admin, "PUT", target.path(), text, "application/json", answers);
        }
        for (String path : List.of(
                "/api/v1/plans/not-a-uuid",
                "/api/v1/plans/00000000-0000-0000-0000-000000000000",
                "/api/v1/plans/00000000-0000-0000-0000-000000000000/artifacts/hostfile",
                "/api/v1/jobs/123",
                "/api/v1/jobs/" + jobId + "/nothing",
                "/api/v1/clusters/no-such-cluster",
                "/api/v1/clusters/no-such-cluster/profiles",
                "/api/v1/models/no-such-model",
                "/api/v1/plans?limit=abc",
                "/api/v1/plans?jobId=xyz")) {
            requests += send(admin, "GET", path, null, null, answers);
            requests += send(admin, "DELETE", path, null, null, answers);
        }
        requests +=
                send(admin, "PATCH", "/api/v1/jobs/" + jobId, "{\"active\":\"maybe\"}", "application/json", answers);
        requests +=
                send(admin, "PATCH", "/api/v1/jobs/" + jobId, "{\"webhookUrl\":\"x\"}", "application/json", answers);
        requests += send(admin, "POST", "/api/v1/jobs/not-a-uuid/replan", "", "application/json", answers);
        requests += send(
                admin,
                "POST",
                "/api/v1/clusters/" + cluster + "/profiles",
                "{\"name\":\"" + "x".repeat(5_000_000) + "\"}",
                "application/json",
                answers);
        requests += send(
                admin,
                "POST",
                "/api/v1/jobs",
                "{\"name\":\"" + "x".repeat(300_000) + "\"}",
                "application/json",
                answers);

        assertThat(requests).isGreaterThanOrEqualTo(300);
        assertThat(answers)
                .as("requests answered with something other than a 4xx problem")
                .isEmpty();
        assertThat(snapshot()).isEqualTo(before);
        assertThat(jdbc.queryForObject("select count(*) from plan_run where created_at >= ?", Long.class, started))
                .isZero();
    }

    private static int send(
            Api api, String method, String path, String body, String contentType, List<String> answers) {
        Api.Answer answer = api.send(method, path, body, contentType);
        boolean problem = answer.status() >= 400 && answer.status() < 500;
        if (problem && answer.status() != 405 && answer.status() != 415) {
            JsonNode json = answer.json();
            problem = json.has("status") && json.has("detail") && !answer.body().contains("Exception");
        }
        if (!problem) {
            answers.add(method + " " + path + " " + abbreviate(body) + " -> " + answer.status() + " "
                    + abbreviate(answer.body()));
        }
        return 1;
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private Map<String, Long> snapshot() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : List.of(
                "api_token", "cluster", "profile_upload", "profile_measurement", "custom_model", "training_job")) {
            counts.put(table, jdbc.queryForObject("select count(*) from " + table, Long.class));
        }
        counts.put(
                "jobs-fingerprint",
                jdbc.queryForObject(
                        "select coalesce(sum(hashtext(coalesce(webhook_url, '') || active::text)), 0) from training_job",
                        Long.class));
        return counts;
    }
}
