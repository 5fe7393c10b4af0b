package dev.trainingplanner.api.problem;

import org.springframework.http.HttpStatus;

/**
 * A request the client got wrong; answered as an RFC 7807 problem naming the offending field, never as a 500.
 *
 * @see ApiExceptionHandler
 */
public class ClientMistake extends RuntimeException {

    private final HttpStatus status;
    private final String field;

    public ClientMistake(HttpStatus status, String field, String detail) {
        super(detail);
        this.status = status;
        this.field = field;
    }

    public static ClientMistake invalid(String field, String detail) {
        return new ClientMistake(HttpStatus.BAD_REQUEST, field, detail);
    }

    public static ClientMistake notFound(String what) {
        return new ClientMistake(HttpStatus.NOT_FOUND, null, what + " does not exist");
    }

    public static ClientMistake conflict(String field, String detail) {
        return new ClientMistake(HttpStatus.CONFLICT, field, detail);
    }

    public HttpStatus status() {
        return status;
    }

    public String field() {
        return field;
    }
}
