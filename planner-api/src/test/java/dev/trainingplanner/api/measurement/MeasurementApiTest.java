package dev.trainingplanner.api.measurement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.api.planning.Plans;
import dev.trainingplanner.api.security.TokenService;
import dev.trainingplanner.api.support.PlannerIntegrationTest;
import dev.trainingplanner.api.testing.Api;
import dev.trainingplanner.api.testing.ApiTestSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Measured steps against the real service and PostgreSQL: one job on 16 H100s with one completed plan (revision 1),
 * created once for the class; each test uploads to its own job so their samples never mix.
 */
@PlannerIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MeasurementApiTest {

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    ApiTestSupport.Tokens tokens;
    Api scheduler;
    Api agent;
    String cluster;

    @BeforeAll
    void clusterWithProfile() {
        cluster = ApiTestSupport.uniqueName("measured");
        tokens = ApiTestSupport.tokens(tokenService, cluster, "other-cluster");
        Api admin = new Api(port, tokens.admin());
        ApiTestSupport.registerProfiledCluster(admin, tokens, cluster, 2, 8);
        scheduler = admin.as(tokens.scheduler());
        agent = admin.as(tokens.agentOfA());
    }

    /** A job with one completed plan: its revision 1. */
    private String plannedJob() {
        String jobId = scheduler
                .post(
                        "/api/v1/jobs",
                        "{\"name\":\"measured\",\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\","
                                + "\"goal\":{\"globalBatchSequences\":64,\"gpus\":16},"
                                + "\"options\":{\"timeLimitSeconds\":2}}")
                .json()
                .get("id")
                .asText();
        JsonNode plan = Plans.planJob(scheduler, jobId, Duration.ofSeconds(180));
        return jobId;
    }

    private static String sample(int revision, long step, double seconds, String extra) {
        return String.format(
                Locale.ROOT,
                "{\"planRevision\":%d,\"step\":%d,\"iterationSeconds\":%s,\"tokensPerSecond\":%s,"
                        + "\"timestamp\":\"%s\"%s}",
                revision,
                step,
                seconds,
                65536.0,
                Instant.parse("2026-01-01T00:00:00Z").plusSeconds(step),
                extra);
    }

    /** Steps 0-9 take 5 s (warm-up); steps 10-29 take 1.00, 1.01, ... 1.19 s. */
    private static List<String> run(int fromStep, int toStep) {
        List<String> samples = new ArrayList<>();
        for (int step = fromStep; step <= toStep; step++) {
            double seconds = step < 10 ? 5.0 : 1.0 + 0.01 * (step - 10);
            String memory = step == 12 ? ",\"peakMemoryBytesPerRank\":{\"0\":40000000000,\"15\":41000000000}" : "";
            String phases = step == 13 ? ",\"phaseSeconds\":{\"forward\":0.3,\"backward-allreduce\":0.0}" : "";
            samples.add(sample(1, step, Math.round(seconds * 100) / 100.0, memory + phases));
        }
        return samples;
    }

    @Test
    void samplesAreStoredAndSummarisedPerRevisionWithoutWarmUp() {
        String jobId = plannedJob();
        String path = "/api/v1/jobs/" + jobId + "/measurements";

        Api.Answer single = agent.post(path, run(0, 0).get(0));
        assertThat(single.status()).as(single.toString()).isEqualTo(201);
        assertThat(single.json().at("/stored/0/step").asLong()).isZero();
        Api.Answer batch = scheduler.post(path, "[" + String.join(",", run(1, 29)) + "]");
        assertThat(batch.status()).as(batch.toString()).isEqualTo(201);
        assertThat(batch.json().get("stored")).hasSize(29);
        assertThat(scheduler
                        .post(path, "[" + sample(1, 30, 1.2, ",\"peakMemoryBytesPerRank\":[1000,null,2000]") + "]")
                        .status())
                .isEqualTo(201);

        JsonNode answer = scheduler.as(tokens.viewer()).get(path).json();
        JsonNode summary = answer.at("/summaries/0");
        assertThat(summary.get("planRevision").asInt()).isEqualTo(1);
        assertThat(summary.get("samples").asLong()).isEqualTo(31);
        assertThat(summary.get("counted").asLong()).as("steps 0-9 are warm-up").isEqualTo(21);
        // Steps 10-30: 1.00 ... 1.19 and 1.20 s; 21 values, the 11th is the median, the 20th (ceil(0.95 * 21)) is p95.
        assertThat(summary.get("medianIterationSeconds").asDouble()).isCloseTo(1.10, within(1e-9));
        assertThat(summary.get("p95IterationSeconds").asDouble()).isCloseTo(1.19, within(1e-9));
        assertThat(summary.get("trendSecondsPerStep").asDouble()).isCloseTo(0.01, within(1e-9));
        assertThat(summary.get("peakMemoryBytes").asLong()).isEqualTo(41_000_000_000L);
        assertThat(summary.get("firstStep").asLong()).isZero();
        assertThat(summary.get("lastStep").asLong()).isEqualTo(30);

        assertThat(answer.get("samples")).hasSize(31);
        assertThat(answer.at("/samples/12/peakMemoryBytesPerRank/15").asLong()).isEqualTo(41_000_000_000L);
        assertThat(answer.at("/samples/13/phaseSeconds/backward-allreduce").asDouble())
                .isZero();
        assertThat(answer.at("/samples/30/peakMemoryBytesPerRank").toString()).isEqualTo("{\"0\":1000,\"2\":2000}");
        assertThat(answer.at("/page/total").asLong()).isEqualTo(31);

        JsonNode page = scheduler.get(path + "?revision=1&offset=29&limit=5").json();
        assertThat(page.get("samples")).hasSize(2);
        assertThat(page.at("/samples/0/step").asLong()).isEqualTo(29);
        assertThat(page.at("/page/more").asBoolean()).isFalse();
    }

    @Test
    void aResentSampleIsANoOpAndADifferentOneUnderTheSameKeyIsAConflict() {
        String jobId = plannedJob();
        String path = "/api/v1/jobs/" + jobId + "/measurements";
        assertThat(agent.post(path, "[" + String.join(",", run(0, 4)) + "]").status())
                .isEqualTo(201);

        Api.Answer again = agent.post(path, "[" + String.join(",", run(0, 4)) + "]");
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(again.json().get("stored")).isEmpty();
        assertThat(again.json().get("duplicates")).hasSize(5);

        // Observed later (another timestamp), same measurement: still the same sample.
        String observedLater = run(3, 3).get(0).replace("2026-01-01T00:00:03Z", "2026-01-02T00:00:00Z");
        Api.Answer mixed =
                agent.post(path, "[" + observedLater + "," + run(5, 5).get(0) + "]");
        assertThat(mixed.status()).as(mixed.toString()).isEqualTo(201);
        assertThat(mixed.json().at("/duplicates/0/step").asLong()).isEqualTo(3);
        assertThat(mixed.json().at("/stored/0/step").asLong()).isEqualTo(5);

        Api.Answer conflict = agent.post(path, "[" + run(6, 6).get(0) + "," + sample(1, 4, 7.5, "") + "]");
        assertThat(conflict.status()).as(conflict.toString()).isEqualTo(409);
        assertThat(conflict.header("Content-Type")).startsWith("application/problem+json");
        assertThat(conflict.json().get("field").asText()).isEqualTo("samples[1]");
        assertThat(conflict.json().get("detail").asText()).contains("step 4 of plan revision 1");

        JsonNode stored = scheduler.get(path).json();
        assertThat(stored.at("/page/total").asLong())
                .as("the conflicting upload is refused whole: step 6 is not kept")
                .isEqualTo(6);
        assertThat(stored.at("/samples/4/iterationSeconds").asDouble()).isEqualTo(5.0);
    }

    @Test
    void badSamplesAreSpecificProblems() {
        String jobId = plannedJob();
        String path = "/api/v1/jobs/" + jobId + "/measurements";

        assertProblem(agent.post(path, sample(1, 1, 0, "")), 400, "iterationSeconds");
        assertProblem(agent.post(path, sample(1, 1, -2, "")), 400, "iterationSeconds");
        assertProblem(
                agent.post(
                        path,
                        "[" + sample(1, 1, 1, "") + "," + sample(1, 2, 1, "").replace("65536.0", "-1") + "]"),
                400,
                "samples[1].tokensPerSecond");
        assertProblem(agent.post(path, sample(1, -1, 1, "")), 400, "step");
        assertProblem(agent.post(path, sample(1, 1, 1, ",\"lossScale\":1")), 400, "lossScale");
        assertProblem(
                agent.post(path, sample(1, 1, 1, ",\"phaseSeconds\":{\"forward\":-0.1}")), 400, "phaseSeconds.forward");
        assertProblem(agent.post(path, "[]"), 400, "samples");
        assertProblem(agent.post(path, sample(1, 1, 1, ",\"phaseSeconds\":{\"a\\u0000b\":1}")), 400, "phaseSeconds");
        assertProblem(
                agent.post(path, sample(1, 1, 1, ",\"peakMemoryBytesPerRank\":{\"x\":1}")),
                400,
                "peakMemoryBytesPerRank.x");
        assertProblem(
                agent.post(path, sample(1, 1, 1, ",\"peakMemoryBytesPerRank\":[1.5]")),
                400,
                "peakMemoryBytesPerRank[0]");
        assertProblem(
                agent.post(path, sample(1, 1, 1, "").replace("2026-01-01T00:00:01Z", "yesterday")), 400, "timestamp");

        Api.Answer tooMuchMemory = agent.post(path, sample(1, 1, 1, ",\"peakMemoryBytesPerRank\":{\"3\":90000000000}"));
        assertProblem(tooMuchMemory, 422, "peakMemoryBytesPerRank.3");
        assertThat(tooMuchMemory.json().get("detail").asText()).contains("more than its GPU holds");
        Api.Answer outsideRank = agent.post(path, sample(1, 1, 1, ",\"peakMemoryBytesPerRank\":{\"16\":1000}"));
        assertProblem(outsideRank, 422, "peakMemoryBytesPerRank.16");
        assertThat(outsideRank.json().get("detail").asText()).contains("ranks 0-15");
        Api.Answer unknownRevision = agent.post(path, "[" + sample(1, 1, 1, "") + "," + sample(2, 1, 1, "") + "]");
        assertProblem(unknownRevision, 422, "samples[1].planRevision");
        assertThat(unknownRevision.json().get("detail").asText()).contains("has no plan revision 2");

        assertThat(agent.post("/api/v1/jobs/00000000-0000-0000-0000-000000000000/measurements", sample(1, 1, 1, ""))
                        .status())
                .isEqualTo(404);
        assertThat(scheduler
                        .as(tokens.agentOfB())
                        .post(path, sample(1, 1, 1, ""))
                        .status())
                .as("an agent of another cluster")
                .isEqualTo(403);
        assertThat(scheduler.as(tokens.viewer()).post(path, sample(1, 1, 1, "")).status())
                .isEqualTo(403);
        assertThat(scheduler.get(path).json().at("/page/total").asLong())
                .as("nothing of a refused upload is stored")
                .isZero();
    }

    @Test
    void theOpenApiDocumentDescribesTheUploadAndTheAnswer() {
        JsonNode paths = new Api(port, null).get("/v3/api-docs").json().get("paths");
        JsonNode measurements = paths.get("/api/v1/jobs/{id}/measurements");
        assertThat(measurements
                        .at("/post/requestBody/content/application~1json/schema")
                        .toString())
                .contains("MeasuredStep");
        assertThat(measurements.at("/get/responses/200/content").toString()).contains("MeasurementsView");
    }

    private static void assertProblem(Api.Answer answer, int status, String field) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        assertThat(answer.json().get("field").asText()).as(answer.toString()).isEqualTo(field);
    }
}
