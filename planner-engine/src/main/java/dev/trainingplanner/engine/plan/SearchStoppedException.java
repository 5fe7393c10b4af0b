package dev.trainingplanner.engine.plan;

/** The planning thread was interrupted before the search had one complete plan, so there is nothing to return. */
public final class SearchStoppedException extends RuntimeException {

    public SearchStoppedException(String message) {
        super(message);
    }
}
