package dev.trainingplanner.api.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.api.PlannerApplication;
import dev.trainingplanner.api.planning.Plans;
import dev.trainingplanner.api.testing.Api;
import dev.trainingplanner.api.testing.ApiTestSupport;
import io.micrometer.core.instrument.MeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Whole services on one real PostgreSQL: two replicas whose nightly schedule fires every two seconds must still re-plan
 * each job exactly once per night; and a service stopped in the middle of a solve must resume it after a restart.
 */
class ReplicasTest {

    private static final String ADMIN = "replicas-test-admin-token";

    static EmbeddedPostgres postgres;
    static JdbcTemplate jdbc;
    final List<ConfigurableApplicationContext> replicas = new ArrayList<>();

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder()
                .setDataDirectory(Path.of("target", "replicas-postgres"))
                .setCleanDataDirectory(true)
                .start();
        jdbc = new JdbcTemplate(postgres.getPostgresDatabase());
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }

    @AfterEach
    void stopReplicas() {
        replicas.forEach(ConfigurableApplicationContext::close);
    }

    private ConfigurableApplicationContext replica(String name, String cron) {
        ConfigurableApplicationContext context = SpringApplication.run(
                PlannerApplication.class,
                "--server.port=0",
                "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=",
                "--planner.security.admin-token=" + ADMIN,
                "--planner.replanning.cron=" + cron,
                "--db-scheduler.scheduler-name=" + name,
                "--db-scheduler.polling-interval=200ms",
                "--db-scheduler.heartbeat-interval=1s",
                "--db-scheduler.missed-heartbeats-limit=4",
                "--spring.main.banner-mode=off");
        replicas.add(context);
        return context;
    }

    private static Api api(ConfigurableApplicationContext context) {
        return new Api(((WebServerApplicationContext) context).getWebServer().getPort(), ADMIN);
    }

    private static String clusterWithJobs(Api admin, int nodes, int jobs, int timeLimitSeconds) {
        String cluster = ApiTestSupport.uniqueName("replicas");
        assertThat(admin.post("/api/v1/clusters", "{\"name\":\"" + cluster + "\"}")
                        .status())
                .isEqualTo(201);
        assertThat(admin.post("/api/v1/clusters/" + cluster + "/profiles", ApiTestSupport.profile(cluster, nodes, 8))
                        .status())
                .isEqualTo(201);
        for (int i = 0; i < jobs; i++) {
            Api.Answer job = admin.post(
                    "/api/v1/jobs",
                    "{\"name\":\"job-" + i + "\",\"cluster\":\"" + cluster + "\",\"model\":\"gpt3-1.3b\","
                            + "\"goal\":{\"globalBatchSequences\":64,\"gpus\":16},\"options\":{\"timeLimitSeconds\":"
                            + timeLimitSeconds + "}}");
            assertThat(job.status()).as(job.toString()).isEqualTo(201);
        }
        return cluster;
    }

    @Test
    void twoReplicasOnOneDatabaseRePlanEachJobOncePerNight() throws InterruptedException {
        ConfigurableApplicationContext a = replica("replica-a", "*/2 * * * * *");
        ConfigurableApplicationContext b = replica("replica-b", "*/2 * * * * *");
        String cluster = clusterWithJobs(api(a), 4, 3, 2);

        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (fanOuts(a) + fanOuts(b) < 4 || unfinishedNightlyRuns(cluster) > 0 || nightlyRuns(cluster) < 3) {
            assertThat(System.nanoTime())
                    .as("nightly runs did not finish in time")
                    .isLessThan(deadline);
            Thread.sleep(250);
        }

        assertThat(fanOuts(a) + fanOuts(b))
                .as("the schedule fired several times")
                .isGreaterThanOrEqualTo(4);
        List<Long> runsPerJob = jdbc.queryForList(
                """
                select count(r.id) from training_job j left join plan_run r on r.job_id = j.id and r.nightly_key is not null
                where j.cluster_name = ? group by j.id""",
                Long.class,
                cluster);
        assertThat(runsPerJob).containsExactly(1L, 1L, 1L);
        assertThat(jdbc.queryForList(
                        "select status from plan_run where cluster_name = ? and nightly_key is not null",
                        String.class,
                        cluster))
                .containsOnly("COMPLETED");
        assertThat(jdbc.queryForObject(
                        """
                        select count(*) from plan_revision v join training_job j on j.id = v.job_id
                        where j.cluster_name = ?""",
                        Long.class,
                        cluster))
                .isEqualTo(3L);
    }

    @Test
    void aSolveInterruptedByAStopIsResumedAfterTheRestart() {
        ConfigurableApplicationContext first = replica("before-restart", "0 0 2 * * *");
        Api admin = api(first);
        String cluster = clusterWithJobs(admin, 64, 0, 0);
        Api.Answer started = admin.post(
                "/api/v1/plans",
                "{\"cluster\":\"" + cluster + "\",\"model\":\"llama2-70b\",\"goal\":{\"globalBatchSequences\":1024,"
                        + "\"gpus\":512},\"options\":{\"timeLimitSeconds\":20}}");
        assertThat(started.status()).isEqualTo(202);
        String location = started.header("Location");
        Plans.awaitStatus(admin, location, "SOLVING", Duration.ofSeconds(60));

        first.close();
        String id = location.substring(location.lastIndexOf('/') + 1);
        assertThat(jdbc.queryForObject("select status from plan_run where id = ?::uuid", String.class, id))
                .as("a stopped service leaves its solve queued, never silently dropped")
                .isEqualTo("QUEUED");

        Api restarted = api(replica("after-restart", "0 0 2 * * *"));
        JsonNode plan = Plans.awaitFinished(restarted, location, Duration.ofSeconds(120));
        assertThat(plan.get("status").asText()).as(plan.toString()).isEqualTo("COMPLETED");
        assertThat(plan.get("attempts").asInt()).isEqualTo(2);
        assertThat(plan.get("solvingReplica").asText()).isEqualTo("after-restart");
        assertThat(plan.at("/result/launch/ranks")).hasSize(512);
    }

    private static double fanOuts(ConfigurableApplicationContext replica) {
        return replica.getBean(MeterRegistry.class)
                .get("planner.replanning.fanouts")
                .counter()
                .count();
    }

    private static long nightlyRuns(String cluster) {
        return jdbc.queryForObject(
                "select count(*) from plan_run where cluster_name = ? and nightly_key is not null",
                Long.class,
                cluster);
    }

    private static long unfinishedNightlyRuns(String cluster) {
        return jdbc.queryForObject(
                """
                select count(*) from plan_run where cluster_name = ? and nightly_key is not null
                and status in ('QUEUED', 'SOLVING')""",
                Long.class,
                cluster);
    }
}
