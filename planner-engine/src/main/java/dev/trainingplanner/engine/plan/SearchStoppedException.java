package dev.trainingplanner.engine.plan;

/** The planning thread was interrupted before the search had one complete plan, so there is nothing to return. */
public final class SearchStoppedException extends RuntimeException {

    public SearchStoppedException(String message) {
        super(message);
    }

    /**
     * Ends a phase that runs before the search (profile conversion, layout screening, pool building) when the planning
     * thread was interrupted: those phases grow with the cluster and the request, and a stop must not wait for them.
     */
    public static void throwIfInterrupted(String phase) {
        if (Thread.currentThread().isInterrupted()) {
            throw new SearchStoppedException("the solve was stopped during " + phase + ", before it had a plan");
        }
    }
}
