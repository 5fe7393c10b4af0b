package dev.trainingplanner.api.correction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.api.planning.Plans;
import dev.trainingplanner.api.replanning.NightlyReplanning;
import dev.trainingplanner.api.security.TokenService;
import dev.trainingplanner.api.support.PlannerIntegrationTest;
import dev.trainingplanner.api.testing.Api;
import dev.trainingplanner.api.testing.ApiTestSupport;
import dev.trainingplanner.costmodel.correction.CorrectionKind;
import dev.trainingplanner.costmodel.correction.CorrectionSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The night after measurements: three jobs on one node ran as predicted and three on two nodes ran 60 % slower. Their
 * data-parallel all-reduce hides behind compute (no run spends 5 % of its time on the network), so the fit can only
 * lower compute efficiency, and its robust weights keep the disagreeing runs from moving it far. The nightly re-plan of
 * a two-node job uses the latest set, says which corrections applied and from how many runs, and records how far the
 * plan it replaces was off.
 */
@PlannerIntegrationTest
class NightlyReplanWithCorrectionsApiTest {

    static final int WARMUP = 10;
    static final int MEASURED = 20;

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    @Autowired
    NightlyReplanning nightly;

    Api scheduler;
    String cluster;

    private JsonNode plannedJob(int gpus, boolean active) {
        String jobId = scheduler
                .post(
                        "/api/v1/jobs",
                        "{\"name\":\"night\",\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\",\"active\":"
                                + active + ",\"goal\":{\"globalBatchSequences\":64,\"gpus\":" + gpus + "},"
                                + "\"options\":{\"timeLimitSeconds\":2}}")
                .json()
                .get("id")
                .asText();
        JsonNode plan = Plans.planJob(scheduler, jobId, Duration.ofSeconds(180));
        return plan;
    }

    private void upload(String jobId, double seconds) {
        StringBuilder body = new StringBuilder("[");
        for (int step = 0; step < WARMUP + MEASURED; step++) {
            double time = step < WARMUP ? 3 * seconds : seconds;
            body.append(step == 0 ? "" : ",")
                    .append(String.format(
                            Locale.ROOT,
                            "{\"planRevision\":1,\"step\":%d,\"iterationSeconds\":%s,\"tokensPerSecond\":65536.0,"
                                    + "\"timestamp\":\"%s\"}",
                            step,
                            time,
                            Instant.parse("2026-01-01T00:00:00Z").plusSeconds(step)));
        }
        Api.Answer answer = scheduler.post(
                "/api/v1/jobs/" + jobId + "/measurements", body.append(']').toString());
        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    }

    @Test
    void theNightlyReplanUsesTheLatestCorrectionsAndRecordsThePreviousPlansError() {
        cluster = ApiTestSupport.uniqueName("nightly-learned");
        ApiTestSupport.Tokens tokens = ApiTestSupport.tokens(tokenService, cluster, "other-cluster");
        Api admin = new Api(port, tokens.admin());
        ApiTestSupport.registerProfiledCluster(admin, tokens, cluster, 2, 8);
        scheduler = admin.as(tokens.scheduler());

        String[] jobs = new String[6];
        double[] predicted = new double[6];
        for (int i = 0; i < 6; i++) {
            boolean twoNodes = i >= 3;
            JsonNode plan = plannedJob(twoNodes ? 16 : 8, twoNodes);
            jobs[i] = plan.get("jobId").asText();
            predicted[i] = plan.at("/result/predictedIterationSeconds").asDouble();
        }
        for (int i = 0; i < 6; i++) {
            upload(jobs[i], (i >= 3 ? 1.6 : 1.0) * predicted[i]);
        }
        JsonNode corrections =
                scheduler.get("/api/v1/clusters/" + cluster + "/corrections").json();
        JsonNode compute = factor(corrections.get("latest"), CorrectionKind.COMPUTE_EFFICIENCY);
        assertThat(compute.at("/evidence/runIds")).hasSize(6);
        assertThat(compute.get("value").asDouble()).isLessThan(1.0).isGreaterThan(0.9);
        JsonNode network = factor(corrections.get("latest"), CorrectionKind.NETWORK_EFFICIENCY);
        assertThat(network.get("value").asDouble()).isEqualTo(1.0);
        assertThat(network.at("/evidence/note").asText()).startsWith("kept at the prior");

        LocalDate night = LocalDate.now(ZoneOffset.UTC);
        nightly.fanOut(night);
        JsonNode revision = Plans.awaitRevisions(scheduler, jobs[3], 1, Duration.ofSeconds(240))
                .get(0);
        assertThat(revision.get("night").asText()).isEqualTo(night.toString());
        assertThat(revision.get("previousPredictedSeconds").asDouble()).isEqualTo(predicted[3]);
        assertThat(revision.get("previousMeasuredSeconds").asDouble()).isCloseTo(1.6 * predicted[3], within(1e-9));
        assertThat(revision.get("previousPredictionError").asDouble()).isCloseTo(0.6, within(1e-9));
        assertThat(revision.at("/changes/corrections/version").asText())
                .isEqualTo(corrections.at("/latest/version").asText());
        assertThat(revision.at("/changes/corrections/previousVersion").asText())
                .isEqualTo(CorrectionSet.NONE.version());
        assertThat(revision.at("/changes/corrections/applied/0/reason").asText())
                .startsWith("compute efficiency of H100-80GB corrected to 0.9")
                .endsWith("from 6 runs (120 samples)");
        // The one-node jobs are inactive: the night re-plans only the two-node ones.
        assertThat(scheduler.get("/api/v1/jobs/" + jobs[0] + "/revisions").json())
                .isEmpty();
    }

    private static JsonNode factor(JsonNode set, CorrectionKind kind) {
        for (JsonNode factor : set.get("factors")) {
            if (factor.get("kind").asText().equals(kind.name())) {
                return factor;
            }
        }
        throw new AssertionError("no " + kind + " in " + set);
    }
}
