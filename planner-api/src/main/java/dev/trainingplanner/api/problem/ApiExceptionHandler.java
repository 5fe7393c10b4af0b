package dev.trainingplanner.api.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.profile.InvalidProfileException;
import dev.trainingplanner.profile.JsonPlace;
import java.net.URI;
import java.util.List;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every client mistake into an RFC 7807 problem with a specific {@code detail} and, where one field is to blame,
 * a {@code field} property (JSON path such as {@code nodes[0].gpus[1].memoryBytes}). Spring MVC's own errors (wrong
 * method, media type, missing parameter, unknown path) keep their status and get the same shape.
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    public static final URI CLIENT_MISTAKE = URI.create("https://trainingplanner.dev/problems/client-mistake");
    private static final long RETRY_AFTER_SECONDS = 5;
    public static final URI DATABASE_UNAVAILABLE =
            URI.create("https://trainingplanner.dev/problems/database-unavailable");

    @ExceptionHandler(ClientMistake.class)
    ResponseEntity<ProblemDetail> clientMistake(ClientMistake mistake) {
        return problem(mistake.status(), mistake.getMessage(), mistake.field());
    }

    /**
     * The database cannot be reached (no connection within the pool's timeout): the service is unavailable, not broken,
     * and a client may retry. Readiness reports the same, so a load balancer stops sending traffic meanwhile.
     */
    @ExceptionHandler({CannotCreateTransactionException.class, DataAccessResourceFailureException.class})
    ResponseEntity<ProblemDetail> databaseUnavailable(RuntimeException unavailable) {
        return databaseUnavailable();
    }

    /** 503 with {@code Retry-After}; also written by the token filter, which runs before any controller. */
    public static ResponseEntity<ProblemDetail> databaseUnavailable() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.SERVICE_UNAVAILABLE, "The database is unavailable; retry in a few seconds");
        problem.setType(DATABASE_UNAVAILABLE);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER_SECONDS))
                .body(problem);
    }

    @ExceptionHandler(InvalidProfileException.class)
    ResponseEntity<ProblemDetail> invalidProfile(InvalidProfileException invalid) {
        ResponseEntity<ProblemDetail> response = problem(
                HttpStatus.UNPROCESSABLE_ENTITY,
                "Invalid cluster profile: " + String.join("; ", invalid.problems()),
                fieldOf(invalid.problems()));
        response.getBody().setProperty("problems", invalid.problems());
        return response;
    }

    @ExceptionHandler(InvalidInputException.class)
    ResponseEntity<ProblemDetail> invalidInput(InvalidInputException invalid) {
        return problem(HttpStatus.UNPROCESSABLE_ENTITY, invalid.getMessage(), null);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException mismatch) {
        return problem(
                HttpStatus.BAD_REQUEST,
                "'" + mismatch.getValue() + "' is not a valid " + mismatch.getName(),
                mismatch.getName());
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ClientMistake mistake = describe(ex.getMostSpecificCause());
        return widen(problem(mistake.status(), mistake.getMessage(), mistake.field()));
    }

    /** The specific client mistake behind a JSON reading failure. */
    public static ClientMistake describe(Throwable cause) {
        if (cause instanceof ClientMistake mistake) {
            return mistake;
        }
        if (cause instanceof UnrecognizedPropertyException unknown) {
            String field = path(unknown.getPath());
            return ClientMistake.invalid(
                    field,
                    "Unknown field '" + unknown.getPropertyName() + "' at " + field + "; allowed: "
                            + unknown.getKnownPropertyIds());
        }
        if (cause instanceof InvalidNullException nulled) {
            String field = path(nulled.getPath());
            return ClientMistake.invalid(field, "null is not allowed at " + field);
        }
        if (cause instanceof InvalidFormatException format) {
            String field = path(format.getPath());
            return ClientMistake.invalid(
                    field,
                    "Value '" + format.getValue() + "' of " + field + " is not a valid "
                            + format.getTargetType().getSimpleName());
        }
        if (cause instanceof MismatchedInputException mismatch
                && !mismatch.getPath().isEmpty()) {
            String field = path(mismatch.getPath());
            String expected = mismatch.getTargetType() == null
                    ? "a different type"
                    : mismatch.getTargetType().getSimpleName();
            return ClientMistake.invalid(field, "Wrong type at " + field + ": expected " + expected);
        }
        if (cause instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = path(mapping.getPath());
            return ClientMistake.invalid(field, "Invalid value at " + field + ": " + mapping.getOriginalMessage());
        }
        if (cause instanceof JsonProcessingException json) {
            String where = json.getLocation() == null
                    ? ""
                    : " at line " + json.getLocation().getLineNr() + ", column "
                            + json.getLocation().getColumnNr();
            return ClientMistake.invalid("(body)", "Malformed JSON" + where + ": " + json.getOriginalMessage());
        }
        return ClientMistake.invalid("(body)", "The request body is missing or unreadable");
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<String> problems = ex.getFieldErrors().stream()
                .map(error -> error.getField() + " " + error.getDefaultMessage())
                .toList();
        String field = ex.getFieldErrors().isEmpty()
                ? null
                : ex.getFieldErrors().get(0).getField();
        ResponseEntity<ProblemDetail> response =
                problem(HttpStatus.BAD_REQUEST, "Invalid request: " + String.join("; ", problems), field);
        response.getBody().setProperty("problems", problems);
        return widen(response);
    }

    public static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail, String field) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(CLIENT_MISTAKE);
        if (field != null) {
            problem.setProperty("field", field);
        }
        return ResponseEntity.status(status).body(problem);
    }

    private static ResponseEntity<Object> widen(ResponseEntity<ProblemDetail> response) {
        return ResponseEntity.status(response.getStatusCode()).body(response.getBody());
    }

    /** The first leading location among profile problems such as {@code "nodes[2].gpus[0].memoryBytes must be ..."}. */
    private static String fieldOf(List<String> problems) {
        for (String problem : problems) {
            String first = problem.split(" ", 2)[0];
            if (first.matches("[A-Za-z][\\w\\[\\].]*")) {
                return first;
            }
        }
        return null;
    }

    static String path(List<JsonMappingException.Reference> references) {
        String place = JsonPlace.of(references);
        return place.isEmpty() ? "(body)" : place;
    }
}
