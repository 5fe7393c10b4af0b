package dev.trainingplanner.api.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.api.cluster.ClusterRepository;
import dev.trainingplanner.api.database.EmbeddedPostgresAutoConfiguration;
import dev.trainingplanner.api.model.Models;
import dev.trainingplanner.api.support.PostgresTestConfiguration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.test.autoconfigure.jdbc.AutoConfigureTestDatabase;
import org.springframework.boot.test.autoconfigure.orm.jpa.DataJpaTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * How planning and re-planning change a job, on the JPA slice and a real PostgreSQL (no web server, no solver): the
 * job service is the only writer of {@code training_job}, and its changes do not overwrite each other.
 */
@DataJpaTest(
        properties = {
            "planner.embedded-postgres.data-directory=target/test-postgres-jpa",
            "planner.embedded-postgres.clean-on-start=true"
        })
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@ImportAutoConfiguration({EmbeddedPostgresAutoConfiguration.class, JacksonAutoConfiguration.class})
@Import({PostgresTestConfiguration.class, Jobs.class, WebhookTargets.class})
@Transactional(propagation = Propagation.NOT_SUPPORTED)
class JobsTest {

    @Autowired
    Jobs jobs;

    @Autowired
    TrainingJobRepository repository;

    @Autowired
    PlatformTransactionManager transactionManager;

    // Checking references is not what these tests are about; the job service needs them to be constructed.
    @MockitoBean
    ClusterRepository clusters;

    @MockitoBean
    Models models;

    @Test
    void aSettingsChangeDoesNotOverwriteAPlanAdoptedWhileItRuns() throws Exception {
        UUID jobId = storedJob();
        UUID planId = UUID.randomUUID();
        CountDownLatch changed = new CountDownLatch(1);
        CompletableFuture<Void> settings = CompletableFuture.runAsync(
                () -> new TransactionTemplate(transactionManager).executeWithoutResult(status -> {
                    jobs.update(jobId, false, null);
                    changed.countDown();
                    sleep(1_000);
                }));
        assertThat(changed.await(30, TimeUnit.SECONDS)).isTrue();
        jobs.adoptPlan(jobId, planId);
        settings.get(30, TimeUnit.SECONDS);

        TrainingJob job = jobs.byId(jobId);
        assertThat(job.active()).isFalse();
        assertThat(job.currentPlanId()).isEqualTo(planId);
    }

    @Test
    void aReplanningOutcomeIsKeptAndItsPlanAdoptedOnlyWhenAsked() {
        UUID jobId = storedJob();
        JobFlags nightly = new JobFlags(
                UUID.randomUUID(), "nightly", List.of("current-plan-slower-than-new-best"), 2.0, 1.5, Instant.now());
        jobs.recordReplanning(jobId, nightly, false);
        assertThat(jobs.flags(jobs.byId(jobId))).isEqualTo(nightly);
        assertThat(jobs.byId(jobId).currentPlanId()).isNull();

        JobFlags now = new JobFlags(UUID.randomUUID(), "replan-now", List.of(), null, 1.4, Instant.now());
        jobs.recordReplanning(jobId, now, true);
        assertThat(jobs.flags(jobs.byId(jobId))).isEqualTo(now);
        assertThat(jobs.byId(jobId).currentPlanId()).isEqualTo(now.planId());
    }

    @Test
    void aJobDeletedBeforeItsPlanFinishedIsLeftAlone() {
        UUID jobId = storedJob();
        jobs.delete(jobId);
        jobs.adoptPlan(jobId, UUID.randomUUID());
        jobs.recordReplanning(
                jobId, new JobFlags(UUID.randomUUID(), "nightly", List.of(), null, null, Instant.now()), true);
        assertThat(repository.findById(jobId)).isEmpty();
    }

    private UUID storedJob() {
        UUID id = UUID.randomUUID();
        repository.save(new TrainingJob(
                id,
                "job " + id,
                "cluster-a",
                "llama3-8b",
                "{\"globalBatchSequences\":64,\"gpus\":8}",
                "{}",
                true,
                null,
                Instant.now()));
        return id;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
