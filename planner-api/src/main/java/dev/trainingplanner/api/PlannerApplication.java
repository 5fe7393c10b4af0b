package dev.trainingplanner.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration;

/**
 * The web service: REST API for cluster schedulers, the dashboard and nightly re-planning. Callers authenticate with
 * bearer tokens only, so Spring's default in-memory user (whose generated password it would log) is left out.
 */
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
public class PlannerApplication {

    public static void serve(String[] args) {
        SpringApplication.run(PlannerApplication.class, args);
    }
}
