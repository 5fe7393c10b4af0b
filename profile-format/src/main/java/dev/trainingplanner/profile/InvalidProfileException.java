package dev.trainingplanner.profile;

import java.util.List;

/** A cluster profile that cannot be used; the message lists every problem found, each naming where it is. */
public final class InvalidProfileException extends RuntimeException {

    private final List<String> problems;

    public InvalidProfileException(List<String> problems) {
        super("Invalid cluster profile: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public InvalidProfileException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }
}
