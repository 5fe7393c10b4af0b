package dev.trainingplanner.api.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Documented body limits: profile uploads may be up to {@code planner.limits.profile-body-bytes} (default 4 MiB, a
 * 1,000-node profile is about 1 MiB), every other request up to {@code planner.limits.body-bytes} (default 256 KiB).
 * Larger bodies get 413 with a problem body, whether or not they declare a Content-Length.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestBodyLimitFilter extends OncePerRequestFilter {

    private final long bodyBytes;
    private final long profileBodyBytes;
    private final ObjectMapper json;

    RequestBodyLimitFilter(
            @Value("${planner.limits.body-bytes:262144}") long bodyBytes,
            @Value("${planner.limits.profile-body-bytes:4194304}") long profileBodyBytes,
            ObjectMapper json) {
        this.bodyBytes = bodyBytes;
        this.profileBodyBytes = profileBodyBytes;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long limit = request.getRequestURI().endsWith("/profiles") ? profileBodyBytes : bodyBytes;
        if (request.getContentLengthLong() > limit) {
            reject(response, limit);
            return;
        }
        chain.doFilter(new Limited(request, limit), response);
    }

    private void reject(HttpServletResponse response, long limit) throws IOException {
        ProblemResponses.write(
                json, response, ApiExceptionHandler.problem(HttpStatus.PAYLOAD_TOO_LARGE, tooLarge(limit), "(body)"));
    }

    static String tooLarge(long limit) {
        return "The request body is larger than the limit of " + limit + " bytes for this endpoint";
    }

    /** Counts what the handler reads, for bodies sent without a Content-Length (chunked). */
    private static final class Limited extends HttpServletRequestWrapper {
        private final long limit;

        Limited(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            ServletInputStream in = super.getInputStream();
            return new ServletInputStream() {
                private long read;

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0) {
                        count(1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = in.read(buffer, offset, length);
                    if (n > 0) {
                        count(n);
                    }
                    return n;
                }

                private void count(int n) {
                    read += n;
                    if (read > limit) {
                        throw new ClientMistake(HttpStatus.PAYLOAD_TOO_LARGE, "(body)", tooLarge(limit));
                    }
                }

                @Override
                public boolean isFinished() {
                    return in.isFinished();
                }

                @Override
                public boolean isReady() {
                    return in.isReady();
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    in.setReadListener(listener);
                }
            };
        }
    }
}
