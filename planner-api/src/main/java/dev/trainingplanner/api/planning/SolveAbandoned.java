package dev.trainingplanner.api.planning;

/**
 * A solve that was stopped (on request or at its deadline) before it had a plan, or that did not end in time after
 * being stopped; the run ends CANCELLED when a stop was requested, otherwise FAILED with this message.
 */
class SolveAbandoned extends RuntimeException {

    SolveAbandoned(String message) {
        super(message);
    }
}
