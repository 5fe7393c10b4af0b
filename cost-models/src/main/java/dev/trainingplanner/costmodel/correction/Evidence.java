package dev.trainingplanner.costmodel.correction;

import dev.trainingplanner.costmodel.InvalidInputException;
import java.util.List;

/**
 * What a correction factor rests on: the runs that carried information about it, their post-warm-up samples in total,
 * and in words how the value came about (fitted, or kept at the prior and why).
 */
public record Evidence(List<String> runIds, long samples, String note) {

    public Evidence {
        InvalidInputException.require(runIds != null, "evidence run ids must not be null");
        InvalidInputException.require(samples >= 0, "evidence samples must not be negative, got " + samples);
        InvalidInputException.require(note != null && !note.isBlank(), "evidence note must not be blank");
        runIds = List.copyOf(runIds);
    }

    /** Number of runs the factor rests on. */
    public int runs() {
        return runIds.size();
    }
}
