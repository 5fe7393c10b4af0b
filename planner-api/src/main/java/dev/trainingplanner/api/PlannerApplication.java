package dev.trainingplanner.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The web service: REST API for cluster schedulers, the dashboard and nightly re-planning. */
@SpringBootApplication
public class PlannerApplication {

    public static void serve(String[] args) {
        SpringApplication.run(PlannerApplication.class, args);
    }
}
