package dev.trainingplanner.api.correction;

import dev.trainingplanner.costmodel.correction.CorrectionSet;
import java.time.Instant;

/**
 * One fitted correction set of a cluster as stored: the set (its version is its content hash), when it was fitted, how
 * many measured runs it was fitted from, and the samples the fit saw (every stored step of the cluster's jobs, warm-up
 * included, and the largest sample id), which tell whether measurements arrived since.
 */
public record StoredCorrections(
        CorrectionSet corrections, Instant fittedAt, int runs, long measuredSamples, long measuredMaxId) {

    public String version() {
        return corrections.version();
    }
}
