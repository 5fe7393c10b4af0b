package dev.trainingplanner.api.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;

/**
 * Tomcat's own answer to requests it refuses before any servlet runs (an encoded {@code /} or {@code %00} in the path,
 * a malformed request line): an RFC 7807 problem instead of Tomcat's HTML page, without server details.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    private static final ObjectMapper JSON =
            new ObjectMapper().addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class);

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int code = response.getStatus();
        if (code < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatus status = HttpStatus.resolve(code);
        ProblemDetail problem = status == null || status.is5xxServerError()
                ? ProblemDetail.forStatusAndDetail(
                        HttpStatus.valueOf(code >= 500 && status != null ? code : 500),
                        "The service failed to answer this request")
                : ApiExceptionHandler.problem(
                                status,
                                "The request was refused before it reached the service: " + status.getReasonPhrase()
                                        + " (for example an encoded / or %00 in the URL)",
                                "(url)")
                        .getBody();
        try {
            String body = JSON.writeValueAsString(problem);
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The connection is gone or the response was already taken: there is no one left to tell.
        }
    }
}
