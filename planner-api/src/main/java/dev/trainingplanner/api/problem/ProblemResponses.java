package dev.trainingplanner.api.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** Writes a problem from a servlet filter or handler, where no controller advice runs. */
final class ProblemResponses {

    private ProblemResponses() {}

    static void write(ObjectMapper json, HttpServletResponse response, ResponseEntity<ProblemDetail> problem)
            throws IOException {
        response.setStatus(problem.getStatusCode().value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem.getBody());
    }
}
