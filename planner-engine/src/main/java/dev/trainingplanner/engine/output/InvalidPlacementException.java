package dev.trainingplanner.engine.output;

/**
 * A rank list that does not describe a placement: malformed in itself, or naming a node or GPU that the cluster's
 * profile does not have.
 *
 * @see PlacementCodec
 */
public final class InvalidPlacementException extends IllegalArgumentException {

    /** Why the rank list was rejected. */
    public enum Reason {
        /** The list itself is wrong: order, blocks per node, a GPU used twice. */
        MALFORMED,
        /** A node or GPU is not in the cluster's profile (or was excluded). */
        NOT_IN_PROFILE
    }

    private final String field;
    private final Reason reason;

    InvalidPlacementException(String field, Reason reason, String message) {
        super(message);
        this.field = field;
        this.reason = reason;
    }

    /** The offending field as a JSON path under the name the caller gave, e.g. {@code placement[3].node}. */
    public String field() {
        return field;
    }

    public Reason reason() {
        return reason;
    }
}
