package dev.trainingplanner.api.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.api.problem.ApiExceptionHandler;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <token>}; a missing or unknown token leaves the request anonymous. When the
 * token store cannot be reached the request ends here with a 503 problem: no controller could serve it either.
 */
class BearerTokenFilter extends OncePerRequestFilter {

    private final TokenService tokens;
    private final ObjectMapper json;

    BearerTokenFilter(TokenService tokens, ObjectMapper json) {
        this.tokens = tokens;
        this.json = json;
    }

    /** Only the API needs a caller; health probes, the dashboard's files and the API docs are public. */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith(request.getContextPath() + "/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String secret = header.substring(7).trim();
            Optional<Caller> caller;
            try {
                caller = secret.isEmpty() || secret.length() > 200 ? Optional.empty() : tokens.authenticate(secret);
            } catch (CannotCreateTransactionException | DataAccessResourceFailureException unavailable) {
                ResponseEntity<ProblemDetail> problem = ApiExceptionHandler.databaseUnavailable();
                response.setStatus(problem.getStatusCode().value());
                response.setHeader(HttpHeaders.RETRY_AFTER, problem.getHeaders().getFirst(HttpHeaders.RETRY_AFTER));
                response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
                json.writeValue(response.getOutputStream(), problem.getBody());
                return;
            }
            caller.ifPresent(c -> SecurityContextHolder.getContext()
                    .setAuthentication(new UsernamePasswordAuthenticationToken(
                            c, null, List.of(new SimpleGrantedAuthority(c.role().authority())))));
        }
        chain.doFilter(request, response);
    }
}
