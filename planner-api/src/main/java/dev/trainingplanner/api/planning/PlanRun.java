package dev.trainingplanner.api.planning;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * One asynchronous solve. Status, progress, the best plan so far and the result live in this row, so any replica
 * answers for any plan and nothing is kept only in one replica's memory.
 */
@Entity
@Table(name = "plan_run")
public class PlanRun {

    @Id
    private UUID id;

    @Column(name = "job_id")
    private UUID jobId;

    @Column(name = "cluster_name")
    private String clusterName;

    private String request;

    @Enumerated(EnumType.STRING)
    private PlanStatus status;

    private double progress;
    private int attempts;

    @Column(name = "best_plan")
    private String bestPlan;

    private String result;

    @Column(name = "failure_reason")
    private String failureReason;

    @Column(name = "cancel_requested")
    private boolean cancelRequested;

    @Column(name = "solving_replica")
    private String solvingReplica;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "nightly_key")
    private String nightlyKey;

    @Column(name = "started_at")
    private Instant startedAt;

    @Column(name = "finished_at")
    private Instant finishedAt;

    protected PlanRun() {}

    PlanRun(UUID id, UUID jobId, String clusterName, String request, Instant createdAt) {
        this.id = id;
        this.jobId = jobId;
        this.clusterName = clusterName;
        this.request = request;
        this.status = PlanStatus.QUEUED;
        this.createdAt = createdAt;
    }

    public UUID id() {
        return id;
    }

    public UUID jobId() {
        return jobId;
    }

    public String clusterName() {
        return clusterName;
    }

    public String requestJson() {
        return request;
    }

    public PlanStatus status() {
        return status;
    }

    public double progress() {
        return progress;
    }

    public int attempts() {
        return attempts;
    }

    public String bestPlanJson() {
        return bestPlan;
    }

    public String resultJson() {
        return result;
    }

    public String failureReason() {
        return failureReason;
    }

    public boolean cancelRequested() {
        return cancelRequested;
    }

    public String solvingReplica() {
        return solvingReplica;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant finishedAt() {
        return finishedAt;
    }
}
