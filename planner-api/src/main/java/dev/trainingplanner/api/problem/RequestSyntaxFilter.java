package dev.trainingplanner.api.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses, before any handler, the parts of a request line and head that no endpoint can use: a query parameter with a
 * control character (PostgreSQL cannot store or compare a NUL, and no name, id or number has any) or a malformed
 * percent escape, and a {@code Content-Type} that is not one concrete media type ({@code application/*} names none).
 * Each is a 400 or 415 problem naming the parameter or header.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class RequestSyntaxFilter extends OncePerRequestFilter {

    private final ObjectMapper json;

    RequestSyntaxFilter(ObjectMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<ClientMistake> mistake =
                queryMistake(request.getQueryString()).or(() -> contentTypeMistake(request.getContentType()));
        if (mistake.isPresent()) {
            ClientMistake m = mistake.get();
            ProblemResponses.write(json, response, ApiExceptionHandler.problem(m.status(), m.getMessage(), m.field()));
            return;
        }
        chain.doFilter(request, response);
    }

    static Optional<ClientMistake> queryMistake(String query) {
        if (query == null) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            String[] parts = pair.split("=", 2);
            String name;
            String value;
            try {
                name = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
                value = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
            } catch (IllegalArgumentException e) {
                return Optional.of(
                        ClientMistake.invalid("(query)", "The query string is malformed: " + e.getMessage()));
            }
            if (hasControlCharacter(name)) {
                return Optional.of(ClientMistake.invalid("(query)", "A query parameter name has a control character"));
            }
            if (hasControlCharacter(value)) {
                return Optional.of(ClientMistake.invalid(
                        name, "Query parameter '" + name + "' has a control character (such as %00)"));
            }
        }
        return Optional.empty();
    }

    static Optional<ClientMistake> contentTypeMistake(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            if (!type.isConcrete()) {
                return Optional.of(unsupported(contentType + " is not one media type; send application/json"));
            }
            return Optional.empty();
        } catch (InvalidMediaTypeException e) {
            return Optional.of(unsupported("'" + contentType + "' is not a media type: " + e.getMessage()));
        }
    }

    private static ClientMistake unsupported(String detail) {
        return new ClientMistake(HttpStatus.UNSUPPORTED_MEDIA_TYPE, HttpHeaders.CONTENT_TYPE, "Content-Type " + detail);
    }

    private static boolean hasControlCharacter(String text) {
        return text.chars().anyMatch(Character::isISOControl);
    }
}
