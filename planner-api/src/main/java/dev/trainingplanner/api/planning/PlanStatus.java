package dev.trainingplanner.api.planning;

/** Where a solve stands; only QUEUED and SOLVING change further. */
public enum PlanStatus {
    QUEUED,
    SOLVING,
    COMPLETED,
    FAILED,
    CANCELLED;

    public boolean finished() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
