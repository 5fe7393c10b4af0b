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
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A re-plan that changes because of measurements: GPT-3 6.7B on 16 H100s plans data-parallel without recompute at
 * about 91 % of each GPU's memory. Four runs of that plan report 99 % of the GPU in use, so the fitted memory overhead
 * (the median ratio, shrunk towards 1 by n/(n + 2)) pushes the plan past the 5 % headroom; the re-plan picks another
 * layout and its revision says that the memory correction is why.
 */
@PlannerIntegrationTest
class ReplanChangesWithCorrectionsApiTest {

    static final int RUNS = 4;

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    Api scheduler;
    String cluster;

    private JsonNode plannedJob() {
        String jobId = scheduler
                .post(
                        "/api/v1/jobs",
                        "{\"name\":\"tight\",\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-6.7b\","
                                + "\"goal\":{\"globalBatchSequences\":64,\"gpus\":16},"
                                + "\"options\":{\"timeLimitSeconds\":2}}")
                .json()
                .get("id")
                .asText();
        JsonNode plan = Plans.planJob(scheduler, jobId, Duration.ofSeconds(180));
        return plan;
    }

    /** 30 steps at the predicted time, ranks 0 and 1 reporting 99 % of their GPU's capacity. */
    private void upload(String jobId, double seconds, long bytes) {
        StringBuilder body = new StringBuilder("[");
        for (int step = 0; step < 30; step++) {
            body.append(step == 0 ? "" : ",")
                    .append(String.format(
                            Locale.ROOT,
                            "{\"planRevision\":1,\"step\":%d,\"iterationSeconds\":%s,\"tokensPerSecond\":65536.0,"
                                    + "\"peakMemoryBytesPerRank\":{\"0\":%d,\"1\":%d},\"timestamp\":\"%s\"}",
                            step,
                            seconds,
                            bytes,
                            bytes,
                            Instant.parse("2026-01-01T00:00:00Z").plusSeconds(step)));
        }
        Api.Answer answer = scheduler.post(
                "/api/v1/jobs/" + jobId + "/measurements", body.append(']').toString());
        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    }

    @Test
    void moreMemoryThanPredictedChangesTheReplannedLayoutAndTheRevisionSaysWhy() {
        cluster = ApiTestSupport.uniqueName("tight");
        ApiTestSupport.Tokens tokens = ApiTestSupport.tokens(tokenService, cluster, "other-cluster");
        Api admin = new Api(port, tokens.admin());
        ApiTestSupport.registerProfiledCluster(admin, tokens, cluster, 2, 8);
        scheduler = admin.as(tokens.scheduler());

        String[] jobs = new String[RUNS];
        JsonNode first = null;
        for (int i = 0; i < RUNS; i++) {
            JsonNode plan = plannedJob();
            first = first == null ? plan : first;
            jobs[i] = plan.get("jobId").asText();
        }
        JsonNode estimate = first.at("/result/plan/estimate");
        double capacity = estimate.at("/rankMemory/0/capacityBytes").asDouble();
        assertThat(estimate.get("peakMemoryBytes").asDouble() / capacity).isBetween(0.88, 0.95);
        for (String job : jobs) {
            upload(job, first.at("/result/predictedIterationSeconds").asDouble(), (long) (0.99 * capacity));
        }

        Api.Answer replan = scheduler.post("/api/v1/jobs/" + jobs[0] + "/replan", "");
        assertThat(replan.status()).as(replan.toString()).isEqualTo(202);
        JsonNode replanned = Plans.awaitFinished(scheduler, replan.header("Location"), Duration.ofSeconds(180));
        assertThat(replanned.get("status").asText()).as(replanned.toString()).isEqualTo("COMPLETED");
        assertThat(replanned.at("/result/plan/layout/summary").asText())
                .isNotEqualTo(first.at("/result/plan/layout/summary").asText());

        JsonNode revision = Plans.awaitRevisions(scheduler, jobs[0], 1, Duration.ofSeconds(60))
                .get(0);
        assertThat(revision.at("/changes/layoutChanges")).isNotEmpty();
        assertThat(revision.get("flags").toString()).contains("current-plan-no-longer-fits");
        JsonNode memory = null;
        for (JsonNode applied : revision.at("/changes/corrections/applied")) {
            if (applied.get("kind").asText().equals(CorrectionKind.MEMORY_OVERHEAD.name())) {
                memory = applied;
            }
        }
        assertThat(memory).as(revision.toString()).isNotNull();
        assertThat(memory.get("runs").asInt()).isEqualTo(RUNS);
        assertThat(memory.get("value").asDouble()).isGreaterThan(1.0);
        assertThat(memory.get("reason").asText())
                .startsWith("memory overhead corrected to 1.0")
                .contains("from 4 runs");
        assertThat(revision.get("previousPredictionError").asDouble()).isCloseTo(0.0, within(1e-9));
    }
}
