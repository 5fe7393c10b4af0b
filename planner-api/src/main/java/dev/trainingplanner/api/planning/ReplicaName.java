package dev.trainingplanner.api.planning;

import java.lang.management.ManagementFactory;

/** A name for this replica in the plan rows: host and process id, as db-scheduler names its scheduler. */
final class ReplicaName {

    private ReplicaName() {}

    static String current() {
        return ManagementFactory.getRuntimeMXBean().getName();
    }
}
