package dev.trainingplanner.api.job;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.DynamicUpdate;

/**
 * A training job: cluster + model + goal + options; it keeps its current plan, its nightly flags and the flags its
 * measurements raised. Only {@link Jobs}
 * changes it. Updates write the changed columns only, so that a settings change never writes back a current plan or
 * flags it read before they changed.
 */
@Entity
@Table(name = "training_job")
@DynamicUpdate
public class TrainingJob {

    @Id
    private UUID id;

    private String name;

    @Column(name = "cluster_name")
    private String clusterName;

    @Column(name = "model_name")
    private String modelName;

    private String goal;
    private String options;
    private boolean active;

    @Column(name = "webhook_url")
    private String webhookUrl;

    @Column(name = "current_plan_id")
    private UUID currentPlanId;

    private String flags;

    @Column(name = "measurement_flags")
    private String measurementFlags;

    @Column(name = "created_at")
    private Instant createdAt;

    protected TrainingJob() {}

    TrainingJob(
            UUID id,
            String name,
            String clusterName,
            String modelName,
            String goal,
            String options,
            boolean active,
            String webhookUrl,
            Instant createdAt) {
        this.id = id;
        this.name = name;
        this.clusterName = clusterName;
        this.modelName = modelName;
        this.goal = goal;
        this.options = options;
        this.active = active;
        this.webhookUrl = webhookUrl;
        this.createdAt = createdAt;
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String clusterName() {
        return clusterName;
    }

    public String modelName() {
        return modelName;
    }

    public String goalJson() {
        return goal;
    }

    public String optionsJson() {
        return options;
    }

    public boolean active() {
        return active;
    }

    public String webhookUrl() {
        return webhookUrl;
    }

    public UUID currentPlanId() {
        return currentPlanId;
    }

    public String flagsJson() {
        return flags;
    }

    public String measurementFlagsJson() {
        return measurementFlags;
    }

    public Instant createdAt() {
        return createdAt;
    }

    void adoptPlan(UUID planId) {
        this.currentPlanId = planId;
    }

    void flag(String flagsJson) {
        this.flags = flagsJson;
    }

    void flagMeasurements(String flagsJson) {
        this.measurementFlags = flagsJson;
    }

    void update(boolean active, String webhookUrl) {
        this.active = active;
        this.webhookUrl = webhookUrl;
    }
}
