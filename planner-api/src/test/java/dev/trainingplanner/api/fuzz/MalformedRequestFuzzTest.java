package dev.trainingplanner.api.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonPointer;
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
 * Throws more than a thousand malformed requests at every endpoint: truncated JSON, wrong types, unknown fields,
 * negative, absurd and missing values, text with control characters in every string of every body, numbers no field
 * accepts in every number, odd content types, garbage bytes, bad ids, hostile and missing optional query parameters,
 * bad idempotency keys and every method on every path. Every answer must be a 4xx problem, and the database must be
 * unchanged.
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

        requests += generated(admin, targets, cluster, jobId, answers);

        assertThat(requests).isGreaterThanOrEqualTo(1_000);
        assertThat(answers)
                .as("requests answered with something other than a 4xx problem")
                .isEmpty();
        assertThat(snapshot()).isEqualTo(before);
        assertThat(jdbc.queryForObject("select count(*) from plan_run where created_at >= ?", Long.class, started))
                .isZero();
    }

    /** Text with control characters; the NUL ones no endpoint accepts anywhere (PostgreSQL cannot store them). */
    private static final List<String> NUL_TEXT = List.of("\u0000", "a\u0000b", "node-0\u0000");

    private static final List<String> CONTROL_TEXT = List.of(
            "\u0001",
            "\u0007bell",
            "a\nb",
            "\r\n",
            "\u001b[31mred",
            "\u007f",
            "\t",
            "\u2028",
            "\ud800",
            "\ufeff",
            "\u0085",
            "x".repeat(10_000));

    /** Numbers that no field of any body accepts: too large, too negative or beyond a 64-bit integer. */
    private static final List<String> IMPOSSIBLE_NUMBERS =
            List.of("-1e308", "1e308", "1e400", "99999999999999999999999", "-99999999999999999999999");

    /** Values of another shape in place of a text or a number (followed by the marker, so never accepted). */
    private static final List<String> WRONG_SHAPES = List.of("null", "[]", "[null]", "{}", "true");

    private static final List<String> ODD_CONTENT_TYPES = List.of(
            "application/*",
            "*/*",
            "application",
            "application/json; charset=bogus",
            "application/json; charset=utf-16",
            "application/json;;;",
            "application/problem+json",
            "application/merge-patch+json",
            "text/json",
            "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded",
            "application/octet-stream",
            "garbage");

    /** A key after every other: once everything before it is read, the request is still invalid, so nothing stored. */
    private static final String MARKER = "zzUnexpectedField";

    /**
     * Requests generated from the targets' valid bodies and from every path: each string leaf with control characters,
     * each number leaf with impossible numbers, each body under odd content types, query parameters with hostile or
     * missing values, bad idempotency keys, and every method on every path with nothing to act on.
     */
    private int generated(Api admin, List<Target> targets, String cluster, String jobId, List<String> answers)
            throws Exception {
        int requests = 0;
        for (Target target : targets) {
            ObjectNode valid = (ObjectNode) JSON.readTree(target.validBody());
            for (JsonPointer leaf : leaves(valid, JsonPointer.empty())) {
                boolean text = valid.at(leaf).isTextual();
                for (String value : text ? NUL_TEXT : IMPOSSIBLE_NUMBERS) {
                    String body = replaced(valid, leaf, text ? "\"" + escaped(value) + "\"" : value, false);
                    requests += send(admin, "POST", target.path(), body, "application/json", answers);
                }
                for (String value : WRONG_SHAPES) {
                    String body = replaced(valid, leaf, value, true);
                    requests += send(admin, "POST", target.path(), body, "application/json", answers);
                }
                if (text) {
                    for (String value : CONTROL_TEXT) {
                        String body = replaced(valid, leaf, "\"" + escaped(value) + "\"", true);
                        requests += send(admin, "POST", target.path(), body, "application/json", answers);
                    }
                }
            }
            String invalid = replaced(valid, JsonPointer.empty(), null, true);
            for (String contentType : ODD_CONTENT_TYPES) {
                requests += send(admin, "POST", target.path(), invalid, contentType, answers);
            }
        }
        String profiles = "/api/v1/clusters/" + cluster + "/profiles";
        String invalidProfile = "{\"name\":\"" + cluster + "\",\"nodes\":[]}";
        for (String key : List.of("", " ", "a b", "k".repeat(201), "clé", "\"quoted\"")) {
            Api.Answer answer =
                    admin.send("POST", profiles, invalidProfile, "application/json", "Idempotency-Key", key);
            requests +=
                    judge("POST", profiles + " Idempotency-Key " + abbreviate(key), invalidProfile, answer, answers);
        }
        List<String> hostileValues = new ArrayList<>(List.of(
                "",
                "%00",
                "%0a",
                "%ff",
                "%1f",
                "-1",
                "0",
                "1e308",
                "99999999999999999999",
                "abc",
                "00000000-0000-0000-0000-000000000000",
                "a%00b",
                "%e2%80%a8",
                "%c0%80"));
        for (String query : List.of(
                "/api/v1/plans?limit=",
                "/api/v1/plans?jobId=",
                "/api/v1/plans?limit=5&jobId=",
                profiles + "/history?subject=",
                profiles + "/history?subject=node-0&subject=",
                "/api/v1/jobs/" + jobId + "/revisions?x=")) {
            for (String value : hostileValues) {
                // A harmless value may be answered 200; what matters is that nothing fails.
                Api.Answer answer = admin.get(query + value);
                if (answer.status() != 200) {
                    requests += judge("GET", query + value, null, answer, answers);
                } else {
                    requests++;
                }
            }
        }
        for (String path : List.of(
                "/api/v1/plans",
                profiles + "/history",
                profiles,
                "/api/v1/clusters/" + cluster,
                "/api/v1/jobs/" + jobId + "/revisions",
                "/api/v1/models",
                "/api/v1/tokens",
                "/api/v1/jobs")) {
            Api.Answer answer = admin.get(path);
            if (answer.status() != 200) {
                answers.add("GET " + path + " without optional parameters -> " + answer.status() + " "
                        + abbreviate(answer.body()));
            }
            requests++;
        }
        String none = "00000000-0000-0000-0000-000000000000";
        for (String path : List.of(
                "/api/v1/clusters/no-such-cluster",
                "/api/v1/clusters/no-such-cluster/profiles",
                "/api/v1/clusters/no-such-cluster/profiles/history",
                "/api/v1/models/no-such-model",
                "/api/v1/plans/" + none,
                "/api/v1/plans/" + none + "/artifacts/hostfile",
                "/api/v1/plans/" + none + "/artifacts/no-such-kind",
                "/api/v1/jobs/" + none,
                "/api/v1/jobs/" + none + "/replan",
                "/api/v1/jobs/" + none + "/revisions",
                "/api/v1/tokens/999999999",
                "/api/v1/tokens/not-a-number",
                "/api/v1/estimates/x",
                "/api/v1/nothing-here")) {
            for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
                requests += send(admin, method, path, "{\"" + MARKER + "\":\"\u0000\"}", "application/json", answers);
            }
        }
        return requests;
    }

    /** Every text and number leaf of {@code node}, as JSON pointers. */
    private static List<JsonPointer> leaves(JsonNode node, JsonPointer at) {
        List<JsonPointer> leaves = new ArrayList<>();
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(name -> leaves.addAll(leaves(node.get(name), at.appendProperty(name))));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                leaves.addAll(leaves(node.get(i), at.appendIndex(i)));
            }
        } else if (node.isTextual() || node.isNumber()) {
            leaves.add(at);
        }
        return leaves;
    }

    /** {@code valid} with the leaf at {@code at} replaced by raw JSON text, and the marker key last if asked. */
    private static String replaced(ObjectNode valid, JsonPointer at, String rawValue, boolean marker) {
        ObjectNode body = valid.deepCopy();
        String placeholder = "\u0001placeholder\u0001";
        if (rawValue != null) {
            JsonNode parent = body.at(at.head());
            String last = at.last().getMatchingProperty();
            if (parent.isArray()) {
                ((com.fasterxml.jackson.databind.node.ArrayNode) parent)
                        .set(at.last().getMatchingIndex(), placeholder);
            } else {
                ((ObjectNode) parent).put(last, placeholder);
            }
        }
        if (marker) {
            body.put(MARKER, 1);
        }
        String text = body.toString();
        return rawValue == null
                ? text
                : text.replace(JSON.valueToTree(placeholder).toString(), rawValue);
    }

    /** {@code value} as the inside of a JSON string, every non-ASCII or control character escaped. */
    private static String escaped(String value) {
        StringBuilder text = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                text.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                text.append(String.format("\\u%04x", (int) c));
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }

    private static int send(
            Api api, String method, String path, String body, String contentType, List<String> answers) {
        return judge(method, path, body, api.send(method, path, body, contentType), answers);
    }

    private static int judge(String method, String path, String body, Api.Answer answer, List<String> answers) {
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
