package dev.trainingplanner.api.problem;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The container's error page, reached when an error happens outside Spring MVC (a request the servlet container or a
 * filter refused): the same RFC 7807 problem as every other error, never a stack trace. Called directly, as
 * {@code GET /error}, it is just an unknown resource (404).
 */
@Hidden
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (!(code instanceof Integer status)) {
            return ApiExceptionHandler.problem(HttpStatus.NOT_FOUND, "No resource " + request.getRequestURI(), null);
        }
        HttpStatus resolved = HttpStatus.resolve(status);
        if (resolved == null || resolved.is5xxServerError() || !resolved.isError()) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                    resolved == null || !resolved.isError() ? HttpStatus.INTERNAL_SERVER_ERROR : resolved,
                    "The service failed to answer this request");
            return ResponseEntity.status(problem.getStatus()).body(problem);
        }
        return ApiExceptionHandler.problem(resolved, "The request was refused: " + resolved.getReasonPhrase(), null);
    }
}
