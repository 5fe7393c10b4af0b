package dev.trainingplanner.api.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/** A full service on a random port against a real PostgreSQL chosen by {@link PostgresTestConfiguration}. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "planner.embedded-postgres.data-directory=target/test-postgres",
            "planner.embedded-postgres.clean-on-start=true",
            // The test-only switch: no fsync. The durable default is covered by EmbeddedDatabaseServerTest.
            "planner.embedded-postgres.durable=false"
        })
@Import(PostgresTestConfiguration.class)
public @interface PlannerIntegrationTest {}
