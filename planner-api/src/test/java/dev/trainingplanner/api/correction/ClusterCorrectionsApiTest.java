package dev.trainingplanner.api.correction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.api.planning.Plans;
import dev.trainingplanner.api.security.TokenService;
import dev.trainingplanner.api.support.PlannerIntegrationTest;
import dev.trainingplanner.api.testing.Api;
import dev.trainingplanner.api.testing.ApiTestSupport;
import dev.trainingplanner.costmodel.correction.CorrectionKind;
import dev.trainingplanner.costmodel.correction.CorrectionSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A cluster's corrections against the real service and PostgreSQL: three jobs on 16 H100s whose plans ran 40 % slower
 * than predicted after 10 warm-up steps 5 times slower still. The tests build on each other in order: the first fit
 * (v1), a plan on v1, more samples (v2), the old plan re-estimated with v1, a re-plan with its prediction error.
 */
@PlannerIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterCorrectionsApiTest {

    static final int WARMUP = 10;
    static final int MEASURED = 20;
    static final double SLOWER = 1.4;

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    Api scheduler;
    String cluster;
    final List<String> jobs = new ArrayList<>();
    final List<Double> predicted = new ArrayList<>();
    String v1;
    String planOnV1;
    double planOnV1Seconds;

    @BeforeAll
    void measuredJobs() {
        cluster = ApiTestSupport.uniqueName("learned");
        ApiTestSupport.Tokens tokens = ApiTestSupport.tokens(tokenService, cluster, "other-cluster");
        Api admin = new Api(port, tokens.admin());
        ApiTestSupport.registerProfiledCluster(admin, tokens, cluster, 2, 8);
        scheduler = admin.as(tokens.scheduler());
    }

    /** A job with one completed plan (its revision 1); returns the plan. */
    private JsonNode plannedJob() {
        String jobId = scheduler
                .post(
                        "/api/v1/jobs",
                        "{\"name\":\"learned\",\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\","
                                + "\"goal\":{\"globalBatchSequences\":64,\"gpus\":16},"
                                + "\"options\":{\"timeLimitSeconds\":2}}")
                .json()
                .get("id")
                .asText();
        JsonNode plan = Plans.planJob(scheduler, jobId, Duration.ofSeconds(180));
        jobs.add(jobId);
        predicted.add(plan.at("/result/predictedIterationSeconds").asDouble());
        return plan;
    }

    /** Steps {@code first..} of revision 1: {@code warmup} slow ones, then {@code measured} at {@code seconds}. */
    private void upload(String jobId, long first, int warmup, int measured, double seconds) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < warmup + measured; i++) {
            long step = first + i;
            // Alternating ±1 % around the median, so that the median is the run's time and not one sample's.
            double time = i < warmup ? 5 * seconds : seconds * (i % 2 == 0 ? 1.01 : 0.99);
            body.append(i == 0 ? "" : ",")
                    .append(String.format(
                            Locale.ROOT,
                            "{\"planRevision\":1,\"step\":%d,\"iterationSeconds\":%s,\"tokensPerSecond\":65536.0,"
                                    + "\"peakMemoryBytesPerRank\":{\"0\":%d,\"1\":%d},\"timestamp\":\"%s\"}",
                            step,
                            time,
                            30_000_000_000L,
                            31_000_000_000L,
                            Instant.parse("2026-01-01T00:00:00Z").plusSeconds(step)));
        }
        Api.Answer answer = scheduler.post(
                "/api/v1/jobs/" + jobId + "/measurements", body.append(']').toString());
        assertThat(answer.status()).as(answer.toString()).isIn(200, 201);
    }

    private JsonNode corrections() {
        Api.Answer answer = scheduler.get("/api/v1/clusters/" + cluster + "/corrections");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.json();
    }

    private static JsonNode factor(JsonNode set, CorrectionKind kind) {
        for (JsonNode factor : set.get("factors")) {
            if (factor.get("kind").asText().equals(kind.name())) {
                return factor;
            }
        }
        throw new AssertionError("no " + kind + " in " + set);
    }

    @Test
    @Order(1)
    void correctionsAreFittedFromTheUploadedRunsAfterWarmUpWithinBounds() {
        JsonNode before = corrections();
        assertThat(before.at("/latest/version").asText()).isEqualTo(CorrectionSet.NONE.version());
        assertThat(before.get("fits")).isEmpty();

        for (int i = 0; i < 3; i++) {
            plannedJob();
        }
        for (int i = 0; i < 3; i++) {
            upload(jobs.get(i), 0, WARMUP, MEASURED, SLOWER * predicted.get(i));
        }

        JsonNode fitted = corrections();
        JsonNode compute = factor(fitted.get("latest"), CorrectionKind.COMPUTE_EFFICIENCY);
        double value = compute.get("value").asDouble();
        // 40 % slower than predicted on every run: the GPUs compute slower than the published calibration says,
        // by less than the bound allows (each factor is clamped to its bounds).
        assertThat(value).isLessThan(0.97).isGreaterThanOrEqualTo(CorrectionKind.COMPUTE_EFFICIENCY.lowerBound());
        assertThat(compute.at("/evidence/runIds")).hasSize(3);
        // Warm-up steps are not evidence: 20 measured steps per run.
        assertThat(compute.at("/evidence/samples").asLong()).isEqualTo(3L * MEASURED);
        for (JsonNode factor : fitted.at("/latest/factors")) {
            CorrectionKind kind = CorrectionKind.valueOf(factor.get("kind").asText());
            assertThat(factor.get("value").asDouble()).isBetween(kind.lowerBound(), kind.upperBound());
        }
        JsonNode memory = factor(fitted.get("latest"), CorrectionKind.MEMORY_OVERHEAD);
        assertThat(memory.at("/evidence/runIds")).hasSize(3);
        v1 = fitted.at("/latest/version").asText();
        assertThat(fitted.get("fits")).hasSize(1);
        assertThat(fitted.at("/fits/0/version").asText()).isEqualTo(v1);
        assertThat(fitted.at("/fits/0/runs").asInt()).isEqualTo(3);
        assertThat(fitted.at("/fits/0/measuredSamples").asLong()).isEqualTo(3L * (WARMUP + MEASURED));

        // Reading again without new samples fits nothing new.
        assertThat(corrections().get("fits")).hasSize(1);
        Api.Answer old = scheduler.get("/api/v1/clusters/" + cluster + "/corrections?version=" + v1);
        assertThat(old.status()).as(old.toString()).isEqualTo(200);
        assertThat(old.json().at("/corrections/version").asText()).isEqualTo(v1);
        assertThat(old.json().at("/runs").asInt()).isEqualTo(3);
    }

    @Test
    @Order(2)
    void unknownClustersAndVersionsAreProblems() {
        Api.Answer noVersion = scheduler.get("/api/v1/clusters/" + cluster + "/corrections?version=0123456789abcdef");
        assertThat(noVersion.status()).as(noVersion.toString()).isEqualTo(404);
        assertThat(noVersion.header("Content-Type")).startsWith("application/problem+json");
        assertThat(noVersion.json().get("detail").asText()).contains("0123456789abcdef");
        Api.Answer notAVersion = scheduler.get("/api/v1/clusters/" + cluster + "/corrections?version=latest%25");
        assertThat(notAVersion.status()).as(notAVersion.toString()).isEqualTo(400);
        assertThat(notAVersion.json().get("field").asText()).isEqualTo("version");
        Api.Answer noCluster = scheduler.get("/api/v1/clusters/no-such-cluster-x/corrections");
        assertThat(noCluster.status()).as(noCluster.toString()).isEqualTo(404);
        assertThat(noCluster.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    @Order(3)
    void aPlanRecordsItsCorrectionsAndAnOldEstimateIsReproducedWithItsVersion() {
        JsonNode plan = plannedJob();
        planOnV1 = plan.get("id").asText();
        planOnV1Seconds = plan.at("/result/predictedIterationSeconds").asDouble();
        assertThat(plan.at("/result/corrections/version").asText()).isEqualTo(v1);
        JsonNode applied = plan.at("/result/corrections/applied");
        assertThat(applied).isNotEmpty();
        assertThat(applied.toString()).contains("compute efficiency of ").contains("from 3 runs");

        JsonNode onV1 = rescore(planOnV1, v1);
        assertThat(onV1.get("recordedCorrectionVersion").asText()).isEqualTo(v1);
        assertThat(onV1.at("/corrections/version").asText()).isEqualTo(v1);
        assertThat(onV1.get("iterationTimeSeconds").asDouble())
                .isCloseTo(planOnV1Seconds, within(1e-6 * planOnV1Seconds));

        // The new job's run measures 20 % faster than its plan: the next fit (v2) moves compute efficiency back up.
        upload(jobs.get(3), 0, WARMUP, MEASURED, 0.8 * planOnV1Seconds);
        JsonNode latest = rescore(planOnV1, null);
        String v2 = latest.at("/corrections/version").asText();
        assertThat(v2).isNotEqualTo(v1);
        assertThat(corrections().get("fits")).hasSize(2);
        assertThat(latest.get("iterationTimeSeconds").asDouble())
                .isNotEqualTo(onV1.get("iterationTimeSeconds").asDouble());

        JsonNode again = rescore(planOnV1, v1);
        assertThat(again.get("iterationTimeSeconds").asDouble())
                .isEqualTo(onV1.get("iterationTimeSeconds").asDouble());
        assertThat(again.get("breakdown")).isEqualTo(onV1.get("breakdown"));
        assertThat(again.get("peakMemoryBytes")).isEqualTo(onV1.get("peakMemoryBytes"));

        Api.Answer unknown = scheduler.post(
                "/api/v1/estimates", "{\"planId\":\"" + planOnV1 + "\",\"correctionVersion\":\"0123456789abcdef\"}");
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
        assertThat(unknown.header("Content-Type")).startsWith("application/problem+json");
    }

    private JsonNode rescore(String planId, String version) {
        Api.Answer answer = scheduler.post(
                "/api/v1/estimates",
                "{\"planId\":\"" + planId + "\"" + (version == null ? "" : ",\"correctionVersion\":\"" + version + "\"")
                        + "}");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.json();
    }

    @Test
    @Order(4)
    void aReplanRecordsThePreviousPlansPredictionErrorAndTheCorrectionsBehindTheNewPlan() {
        String jobId = jobs.get(0);
        Api.Answer replan = scheduler.post("/api/v1/jobs/" + jobId + "/replan", "");
        assertThat(replan.status()).as(replan.toString()).isEqualTo(202);
        JsonNode solved = Plans.awaitFinished(scheduler, replan.header("Location"), Duration.ofSeconds(180));
        assertThat(solved.get("status").asText()).as(solved.toString()).isEqualTo("COMPLETED");
        JsonNode revision = awaitRevision(jobId);
        assertThat(revision.get("previousPredictedSeconds").asDouble()).isEqualTo(predicted.get(0));
        // The median of 20 steps alternating 1 % above and below 1.4 times the prediction.
        assertThat(revision.get("previousMeasuredSeconds").asDouble())
                .isCloseTo(SLOWER * predicted.get(0), within(1e-9));
        assertThat(revision.get("previousPredictionError").asDouble()).isCloseTo(SLOWER - 1, within(1e-9));
        String latest = corrections().at("/latest/version").asText();
        assertThat(revision.at("/changes/corrections/previousVersion").asText())
                .isEqualTo(CorrectionSet.NONE.version());
        assertThat(revision.at("/changes/corrections/version").asText()).isEqualTo(latest);
        assertThat(revision.at("/changes/corrections/applied").toString()).contains("corrected to");
        assertThat(solved.at("/result/corrections/version").asText()).isEqualTo(latest);
    }

    @Test
    @Order(5)
    void samplesUploadedWhileAReplanRunsAreCountedOnce() {
        String jobId = jobs.get(1);
        Api.Answer replan = scheduler.post("/api/v1/jobs/" + jobId + "/replan", "");
        assertThat(replan.status()).as(replan.toString()).isEqualTo(202);
        // Steps 30-79 of job 1, uploaded in five batches while the re-plan solves; each batch is sent twice.
        List<CompletableFuture<Void>> uploads = new ArrayList<>();
        for (int batch = 0; batch < 5; batch++) {
            long first = WARMUP + MEASURED + 10L * batch;
            for (int copy = 0; copy < 2; copy++) {
                uploads.add(CompletableFuture.runAsync(() -> upload(jobId, first, 0, 10, SLOWER * predicted.get(1))));
            }
        }
        uploads.forEach(CompletableFuture::join);
        JsonNode solved = Plans.awaitFinished(scheduler, replan.header("Location"), Duration.ofSeconds(180));
        assertThat(solved.get("status").asText()).as(solved.toString()).isEqualTo("COMPLETED");

        JsonNode fitted = corrections();
        long stored = 0;
        for (String job : jobs) {
            stored += scheduler
                    .get("/api/v1/jobs/" + job + "/measurements?limit=1")
                    .json()
                    .at("/page/total")
                    .asLong();
        }
        assertThat(stored).isEqualTo(4L * (WARMUP + MEASURED) + 50);
        assertThat(fitted.at("/fits/0/measuredSamples").asLong()).isEqualTo(stored);
        JsonNode compute = factor(fitted.get("latest"), CorrectionKind.COMPUTE_EFFICIENCY);
        assertThat(compute.at("/evidence/samples").asLong()).isEqualTo(4L * MEASURED + 50);
    }

    private JsonNode awaitRevision(String jobId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode revisions =
                    scheduler.get("/api/v1/jobs/" + jobId + "/revisions").json();
            if (!revisions.isEmpty()) {
                return revisions.get(0);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no revision of job " + jobId);
    }
}
