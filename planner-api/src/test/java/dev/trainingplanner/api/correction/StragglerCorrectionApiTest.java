package dev.trainingplanner.api.correction;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The straggler-probability correction against the real service and PostgreSQL: two nodes profiled to straggle in 1 %
 * of steps at 1.5×, so that about 2 % of a 16-GPU job's steps should run slow; three jobs' runs see it in 5 % of their
 * steps (every 20th), so the profiled probability is corrected upwards with the three runs as its evidence.
 */
@PlannerIntegrationTest
class StragglerCorrectionApiTest {

    private static final int WARMUP = 10;
    private static final int MEASURED = 100;

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    @Test
    void slowStepsMoreFrequentThanProfiledRaiseTheStragglerProbability() {
        String cluster = ApiTestSupport.uniqueName("stragglers");
        ApiTestSupport.Tokens tokens = ApiTestSupport.tokens(tokenService, cluster, "other-cluster");
        Api admin = new Api(port, tokens.admin());
        assertThat(admin.post("/api/v1/clusters", "{\"name\":\"" + cluster + "\"}")
                        .status())
                .isEqualTo(201);
        String profile = ApiTestSupport.profile(cluster, 2, 8)
                .replace(
                        "\"gpus\":[",
                        "\"compute\":{\"relativeSpeed\":1.0,\"slowProbability\":0.01,\"slowdown\":1.5},\"gpus\":[");
        Api.Answer uploaded = admin.as(tokens.agentOfA()).post("/api/v1/clusters/" + cluster + "/profiles", profile);
        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
        Api scheduler = admin.as(tokens.scheduler());

        for (int job = 0; job < 3; job++) {
            String jobId = scheduler
                    .post(
                            "/api/v1/jobs",
                            "{\"name\":\"stragglers\",\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\","
                                    + "\"goal\":{\"globalBatchSequences\":64,\"gpus\":16},"
                                    + "\"options\":{\"timeLimitSeconds\":2}}")
                    .json()
                    .get("id")
                    .asText();
            JsonNode plan = Plans.planJob(scheduler, jobId, Duration.ofSeconds(180));
            upload(
                    scheduler,
                    jobId,
                    plan.at("/result/predictedIterationSeconds").asDouble());
        }

        Api.Answer answer = scheduler.get("/api/v1/clusters/" + cluster + "/corrections");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode straggler = null;
        for (JsonNode factor : answer.json().at("/latest/factors")) {
            if (factor.get("kind").asText().equals(CorrectionKind.STRAGGLER_PROBABILITY.name())) {
                straggler = factor;
            }
        }
        assertThat(straggler).as(answer.toString()).isNotNull();
        // 5 % slow steps on two nodes of p = 1 %: c ≈ 2.5 per run, shrunk towards 1 by 3/(3 + 2) to about 1.9.
        assertThat(straggler.get("value").asDouble()).isBetween(1.5, 2.5);
        assertThat(straggler.at("/evidence/runIds")).hasSize(3);
        assertThat(straggler.at("/evidence/samples").asLong()).isEqualTo(3L * MEASURED);
    }

    /** Revision 1's steps: {@code WARMUP} warm-up steps, then every 20th of the measured ones 1.5 times slower. */
    private static void upload(Api scheduler, String jobId, double seconds) {
        StringBuilder body = new StringBuilder("[");
        for (int step = 0; step < WARMUP + MEASURED; step++) {
            boolean slow = step >= WARMUP && (step - WARMUP) % 20 == 19;
            body.append(step == 0 ? "" : ",")
                    .append(String.format(
                            Locale.ROOT,
                            "{\"planRevision\":1,\"step\":%d,\"iterationSeconds\":%s,\"tokensPerSecond\":65536.0,"
                                    + "\"timestamp\":\"%s\"}",
                            step,
                            slow ? 1.5 * seconds : seconds,
                            Instant.parse("2026-01-01T00:00:00Z").plusSeconds(step)));
        }
        Api.Answer answer = scheduler.post(
                "/api/v1/jobs/" + jobId + "/measurements", body.append(']').toString());
        assertThat(answer.status()).as(answer.toString()).isIn(200, 201);
    }
}
