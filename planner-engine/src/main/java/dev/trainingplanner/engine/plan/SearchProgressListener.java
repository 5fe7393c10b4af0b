package dev.trainingplanner.engine.plan;

/** Hears of each better plan while the search runs; called on the solving thread, so it must return quickly. */
@FunctionalInterface
public interface SearchProgressListener {

    void improved(SearchProgress progress);
}
