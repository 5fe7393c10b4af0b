package dev.trainingplanner.api.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.api.problem.ApiExceptionHandler;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Every {@code /api/**} endpoint needs a bearer token; health, the OpenAPI document, Swagger UI and the dashboard's
 * static assets are public. Role rules (agent, scheduler, viewer, admin) are listed in the README's table; an agent's
 * cluster is checked by the profile and measurement endpoints themselves.
 */
@Configuration
class SecurityConfiguration {

    private static final String ADMIN = Role.ADMIN.name();
    private static final String SCHEDULER = Role.SCHEDULER.name();
    private static final String VIEWER = Role.VIEWER.name();
    private static final String AGENT = Role.AGENT.name();

    @Bean
    SecurityFilterChain api(HttpSecurity http, TokenService tokens, ObjectMapper json) throws Exception {
        http.csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new BearerTokenFilter(tokens, json), AnonymousAuthenticationFilter.class)
                .exceptionHandling(errors -> errors.authenticationEntryPoint((request, response, e) -> write(
                                json,
                                response,
                                HttpStatus.UNAUTHORIZED,
                                "A valid bearer token is required (Authorization: Bearer <token>)"))
                        .accessDeniedHandler((request, response, e) ->
                                write(json, response, HttpStatus.FORBIDDEN, "This token's role may not do this")))
                .authorizeHttpRequests(auth -> auth.requestMatchers("/api/v1/tokens", "/api/v1/tokens/**")
                        .hasRole(ADMIN)
                        .requestMatchers(HttpMethod.POST, "/api/v1/clusters/*/profiles")
                        .hasAnyRole(AGENT, ADMIN)
                        .requestMatchers(HttpMethod.POST, "/api/v1/jobs/*/measurements")
                        .hasAnyRole(AGENT, SCHEDULER, ADMIN)
                        .requestMatchers(HttpMethod.POST, "/api/v1/clusters")
                        .hasRole(ADMIN)
                        .requestMatchers(HttpMethod.DELETE, "/api/v1/clusters/*")
                        .hasRole(ADMIN)
                        .requestMatchers(HttpMethod.GET, "/api/**")
                        .hasAnyRole(VIEWER, SCHEDULER, ADMIN)
                        .requestMatchers("/api/**")
                        .hasAnyRole(SCHEDULER, ADMIN)
                        .anyRequest()
                        .permitAll());
        return http.build();
    }

    private static void write(ObjectMapper json, HttpServletResponse response, HttpStatus status, String detail)
            throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        json.writeValue(
                response.getOutputStream(),
                ApiExceptionHandler.problem(status, detail, null).getBody());
    }
}
