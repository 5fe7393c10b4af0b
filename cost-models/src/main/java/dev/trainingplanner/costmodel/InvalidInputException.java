package dev.trainingplanner.costmodel;

/**
 * An input to the cost models is unusable (a zero or negative size, an unknown GPU type, a NaN bandwidth, ...). The
 * message names the offending field and value so that it can be shown to a user as it is.
 */
public class InvalidInputException extends RuntimeException {

    public InvalidInputException(String message) {
        super(message);
    }

    /** Throws with {@code message} unless {@code condition} holds. */
    public static void require(boolean condition, String message) {
        if (!condition) {
            throw new InvalidInputException(message);
        }
    }

    /** Requires {@code value >= 1}. */
    public static int positive(String field, int value) {
        require(value >= 1, field + " must be at least 1, got " + value);
        return value;
    }

    /** Requires a finite {@code value > 0}. */
    public static double positive(String field, double value) {
        require(Double.isFinite(value) && value > 0, field + " must be a finite number above 0, got " + value);
        return value;
    }

    /** Requires a finite {@code value >= 0}. */
    public static double nonNegative(String field, double value) {
        require(Double.isFinite(value) && value >= 0, field + " must be a finite number of at least 0, got " + value);
        return value;
    }
}
