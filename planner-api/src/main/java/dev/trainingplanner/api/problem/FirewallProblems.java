package dev.trainingplanner.api.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Spring Security's HTTP firewall refuses URLs that could be read two ways ({@code //}, {@code ;}, {@code ..}, an
 * encoded {@code /} or {@code %00}); the refusal is a 400 problem like every other client mistake, instead of the
 * container's default body.
 */
@Configuration(proxyBeanMethods = false)
class FirewallProblems {

    @Bean
    RequestRejectedHandler problemOnRejectedRequest(ObjectMapper json) {
        return (request, response, rejected) -> ProblemResponses.write(
                json,
                response,
                ApiExceptionHandler.problem(
                        HttpStatus.BAD_REQUEST,
                        "The URL is refused: it has characters or segments that could be read two ways (such as //,"
                                + " ;, .., an encoded / or %00)",
                        "(url)"));
    }
}
