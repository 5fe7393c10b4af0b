package dev.trainingplanner.api.measurement;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.api.job.Jobs;
import dev.trainingplanner.api.job.MeasurementFlag;
import dev.trainingplanner.api.job.TrainingJob;
import dev.trainingplanner.api.problem.ClientMistake;
import dev.trainingplanner.api.security.Caller;
import dev.trainingplanner.api.security.Role;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes measured steps of a job and answers them with per-revision summaries. An upload is checked whole against the
 * plan each sample names (revision, ranks, GPU memory) before anything is stored, and stored in one transaction: a
 * sample already stored with the same measurement is reported as a duplicate, one with a different measurement under
 * the same (job, revision, step) is a 409 and nothing of the upload is kept. An upload that stored new steps has the
 * job's flags evaluated again ({@link MeasurementAlarms}).
 */
@Service
public class Measurements {

    static final int MAX_SAMPLES_PER_UPLOAD = 1_000;

    private final Jobs jobs;
    private final RevisionPlans revisions;
    private final MeasurementStore store;
    private final MeasurementAlarms alarms;
    private final TransactionTemplate transactions;
    private final long warmupSteps;

    Measurements(
            Jobs jobs,
            RevisionPlans revisions,
            MeasurementStore store,
            MeasurementAlarms alarms,
            TransactionTemplate transactions,
            @Value("${planner.measurements.warmup-steps:10}") long warmupSteps) {
        this.jobs = jobs;
        this.revisions = revisions;
        this.store = store;
        this.alarms = alarms;
        this.transactions = transactions;
        this.warmupSteps = warmupSteps;
    }

    /** Where a sample's key lies: the plan revision and step. */
    public record StepKey(int planRevision, long step) {}

    /** What an upload changed: the keys stored now, and those that were stored before with the same measurement. */
    public record IngestResult(List<StepKey> stored, List<StepKey> duplicates) {}

    public IngestResult ingest(UUID jobId, JsonNode body, Caller caller) {
        TrainingJob job = jobs.byId(jobId);
        if (caller.role() == Role.AGENT && !job.clusterName().equals(caller.clusterName())) {
            throw new ClientMistake(
                    HttpStatus.FORBIDDEN,
                    null,
                    "this agent token may only upload measurements of jobs on its own cluster");
        }
        List<MeasuredStep> samples = read(body);
        Map<Integer, RevisionPlans.RevisionPlan> plans = new HashMap<>();
        for (int i = 0; i < samples.size(); i++) {
            MeasuredStep sample = samples.get(i);
            String prefix = body.isArray() ? "samples[" + i + "]." : "";
            RevisionPlans.RevisionPlan plan = plans.computeIfAbsent(
                    sample.planRevision(), revision -> revisions.resolve(jobId, revision, prefix + "planRevision"));
            checkMemory(sample, plan, prefix + "peakMemoryBytesPerRank");
        }
        Instant receivedAt = Instant.now();
        IngestResult result = transactions.execute(status -> {
            List<StepKey> stored = new ArrayList<>();
            List<StepKey> duplicates = new ArrayList<>();
            for (int i = 0; i < samples.size(); i++) {
                MeasuredStep sample = samples.get(i);
                StepKey key = new StepKey(sample.planRevision(), sample.step());
                if (store.insertIfAbsent(jobId, plans.get(sample.planRevision()).planId(), sample, receivedAt)) {
                    stored.add(key);
                    continue;
                }
                Optional<MeasuredStep> existing = store.find(jobId, sample.planRevision(), sample.step());
                if (existing.isPresent() && !existing.get().sameMeasurementAs(sample)) {
                    throw ClientMistake.conflict(
                            body.isArray() ? "samples[" + i + "]" : null,
                            "step " + sample.step() + " of plan revision " + sample.planRevision()
                                    + " is already stored with a different measurement (" + existing.get()
                                    + "); a resent sample must repeat the stored one");
                }
                duplicates.add(key);
            }
            return new IngestResult(stored, duplicates);
        });
        // After the commit, so the flags see this upload. A resend evaluates too: evaluation only raises what is not
        // raised yet, so it changes nothing, and an upload whose evaluation failed after its samples were stored is
        // healed by its retry.
        alarms.evaluate(job, warmupSteps);
        return result;
    }

    /**
     * The measured runs of every job on {@code clusterName} with the figures that identify the samples read. The
     * figures are read first: a sample committed between the two reads is in the runs but not in the figures, so the
     * next read refits once more rather than never seeing it.
     */
    public ClusterRuns clusterRuns(String clusterName) {
        List<UUID> jobIds = jobs.idsOnCluster(clusterName);
        long[] fingerprint = store.fingerprint(jobIds);
        return new ClusterRuns(fingerprint[0], fingerprint[1], store.runs(jobIds, warmupSteps));
    }

    /** The figures {@link #clusterRuns} reports, alone: how many samples the cluster's jobs hold and the largest id. */
    public long[] clusterFingerprint(String clusterName) {
        return store.fingerprint(jobs.idsOnCluster(clusterName));
    }

    /** The job's run of the plan {@code planId}, if any of its steps are past warm-up. */
    public Optional<MeasuredRun> runOfPlan(TrainingJob job, UUID planId) {
        return store.runs(List.of(job.id()), warmupSteps).stream()
                .filter(run -> run.planId().equals(planId))
                .findFirst();
    }

    /**
     * A page of the job's samples, the summary of every revision that has samples, what each of those revisions' plan
     * predicted, and the flags the latest revision raised.
     */
    public record MeasurementsView(
            UUID jobId,
            long warmupSteps,
            List<RevisionSummary> summaries,
            List<RevisionPrediction> predictions,
            List<MeasurementFlag> flags,
            List<MeasuredStep> samples,
            Page page) {}

    /** Where a page lies among the job's samples (of the chosen revision). */
    public record Page(long offset, int limit, long total, boolean more) {}

    public MeasurementsView read(UUID jobId, Integer revision, long offset, int limit) {
        TrainingJob job = jobs.byId(jobId);
        return transactions.execute(status -> {
            List<MeasuredStep> samples = store.page(jobId, revision, offset, limit);
            long total = store.count(jobId, revision);
            List<RevisionSummary> summaries = store.summaries(jobId, warmupSteps);
            return new MeasurementsView(
                    jobId,
                    warmupSteps,
                    summaries,
                    summaries.stream()
                            .map(summary -> revisions.resolve(jobId, summary.planRevision(), "revision"))
                            .map(plan -> new RevisionPrediction(
                                    plan.revision(), plan.planId(), plan.predictedIterationSeconds()))
                            .toList(),
                    jobs.measurementFlags(job),
                    samples,
                    new Page(offset, limit, total, offset + samples.size() < total));
        });
    }

    private static List<MeasuredStep> read(JsonNode body) {
        if (body == null || !(body.isObject() || body.isArray())) {
            throw ClientMistake.invalid(null, "the body must be one sample (an object) or an array of samples");
        }
        if (body.isObject()) {
            return List.of(SampleReader.read(body, ""));
        }
        if (body.isEmpty() || body.size() > MAX_SAMPLES_PER_UPLOAD) {
            throw ClientMistake.invalid(
                    "samples", "an upload holds 1 to " + MAX_SAMPLES_PER_UPLOAD + " samples, got " + body.size());
        }
        List<MeasuredStep> samples = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            samples.add(SampleReader.read(body.get(i), "samples[" + i + "]."));
        }
        return samples;
    }

    /** 422 for a rank outside the plan's world size or a peak above the capacity of the rank's GPU. */
    private static void checkMemory(MeasuredStep sample, RevisionPlans.RevisionPlan plan, String field) {
        if (sample.peakMemoryBytesPerRank() == null) {
            return;
        }
        sample.peakMemoryBytesPerRank().forEach((rank, bytes) -> {
            if (rank >= plan.worldSize()) {
                throw new ClientMistake(
                        HttpStatus.UNPROCESSABLE_ENTITY,
                        field + "." + rank,
                        "rank " + rank + " is outside plan revision " + plan.revision() + ", which runs ranks 0-"
                                + (plan.worldSize() - 1));
            }
            OptionalDouble capacity = plan.capacityBytes(rank);
            if (capacity.isPresent() && bytes > capacity.getAsDouble()) {
                throw new ClientMistake(
                        HttpStatus.UNPROCESSABLE_ENTITY,
                        field + "." + rank,
                        "rank " + rank + " reports " + bytes + " bytes, more than its GPU holds ("
                                + (long) capacity.getAsDouble() + " bytes in plan revision " + plan.revision() + ")");
            }
        });
    }
}
