package dev.trainingplanner.agent.cli;

/** Arguments that cannot be used; the agent prints the message and exits with code 2. */
public final class UsageException extends Exception {

    public UsageException(String message) {
        super(message);
    }
}
