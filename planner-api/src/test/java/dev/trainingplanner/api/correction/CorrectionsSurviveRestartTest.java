package dev.trainingplanner.api.correction;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.api.PlannerApplication;
import dev.trainingplanner.api.planning.Plans;
import dev.trainingplanner.api.security.TokenService;
import dev.trainingplanner.api.testing.Api;
import dev.trainingplanner.api.testing.ApiTestSupport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Samples and fits across a service restart, on the zero-setup embedded database: an agent that resends its spool
 * after the restart adds nothing, the stored fit is read back to the same version (a set whose content does not match
 * its version is refused), and nothing is fitted again.
 */
class CorrectionsSurviveRestartTest {

    @TempDir
    Path dataHome;

    @Test
    void resentSamplesAfterARestartAreNotCountedTwiceAndTheFitIsKept() {
        String cluster = ApiTestSupport.uniqueName("restarted");
        String schedulerToken;
        String jobId;
        String batch;
        JsonNode before;
        try (ConfigurableApplicationContext first = start()) {
            ApiTestSupport.Tokens tokens =
                    ApiTestSupport.tokens(first.getBean(TokenService.class), cluster, "other-cluster");
            Api admin = new Api(port(first), tokens.admin());
            ApiTestSupport.registerProfiledCluster(admin, tokens, cluster, 1, 8);
            schedulerToken = tokens.scheduler();
            Api scheduler = admin.as(schedulerToken);
            jobId = scheduler
                    .post(
                            "/api/v1/jobs",
                            "{\"name\":\"restarted\",\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\","
                                    + "\"goal\":{\"globalBatchSequences\":64,\"gpus\":8},"
                                    + "\"options\":{\"timeLimitSeconds\":2}}")
                    .json()
                    .get("id")
                    .asText();
            Api.Answer started = scheduler.post("/api/v1/plans", "{\"jobId\":\"" + jobId + "\"}");
            JsonNode plan = Plans.awaitFinished(scheduler, started.header("Location"), Duration.ofSeconds(180));
            assertThat(plan.get("status").asText()).as(plan.toString()).isEqualTo("COMPLETED");
            batch = samples(1.2 * plan.at("/result/predictedIterationSeconds").asDouble());
            assertThat(scheduler
                            .post("/api/v1/jobs/" + jobId + "/measurements", batch)
                            .status())
                    .isEqualTo(201);
            before = scheduler
                    .get("/api/v1/clusters/" + cluster + "/corrections")
                    .json();
            assertThat(before.get("fits")).hasSize(1);
        }

        try (ConfigurableApplicationContext second = start()) {
            Api scheduler = new Api(port(second), schedulerToken);
            Api.Answer resent = scheduler.post("/api/v1/jobs/" + jobId + "/measurements", batch);
            assertThat(resent.status()).as(resent.toString()).isEqualTo(200);
            assertThat(resent.json().get("stored")).isEmpty();
            assertThat(resent.json().get("duplicates")).hasSize(30);
            JsonNode after = scheduler
                    .get("/api/v1/clusters/" + cluster + "/corrections")
                    .json();
            assertThat(after.get("latest")).isEqualTo(before.get("latest"));
            assertThat(after.get("fits")).isEqualTo(before.get("fits"));
            assertThat(after.at("/fits/0/measuredSamples").asLong()).isEqualTo(30);
        }
    }

    private static String samples(double seconds) {
        StringBuilder body = new StringBuilder("[");
        for (int step = 0; step < 30; step++) {
            body.append(step == 0 ? "" : ",")
                    .append(String.format(
                            Locale.ROOT,
                            "{\"planRevision\":1,\"step\":%d,\"iterationSeconds\":%s,\"tokensPerSecond\":65536.0,"
                                    + "\"timestamp\":\"%s\"}",
                            step,
                            seconds,
                            Instant.parse("2026-01-01T00:00:00Z").plusSeconds(step)));
        }
        return body.append(']').toString();
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(PlannerApplication.class)
                .run("--server.port=0", "--planner.embedded-postgres.data-directory=" + dataHome.resolve("postgres"));
    }

    private static int port(ConfigurableApplicationContext context) {
        return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }
}
