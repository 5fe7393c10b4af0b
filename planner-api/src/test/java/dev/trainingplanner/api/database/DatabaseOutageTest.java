package dev.trainingplanner.api.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.api.PlannerApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A service whose database goes away answers fast with a 503 problem and leaves readiness, instead of holding each
 * request for the pool's 30 s and answering 500 while its probes stay UP.
 */
class DatabaseOutageTest {

    private static final String ADMIN = "database-outage-test-admin-token";

    @TempDir
    Path home;

    @Test
    void requestsFailFastWith503AndReadinessGoesDownWhileTheDatabaseIsGone() throws Exception {
        EmbeddedPostgres database = EmbeddedPostgres.builder()
                .setDataDirectory(home.resolve("external"))
                .setCleanDataDirectory(false)
                .start();
        try (ConfigurableApplicationContext service = SpringApplication.run(
                PlannerApplication.class,
                "--server.port=0",
                "--spring.datasource.url=" + database.getJdbcUrl("postgres", "postgres"),
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=",
                "--planner.security.admin-token=" + ADMIN,
                "--spring.main.banner-mode=off")) {
            int port = ((WebServerApplicationContext) service).getWebServer().getPort();
            assertThat(get(port, "/api/v1/clusters").statusCode()).isEqualTo(200);
            assertThat(get(port, "/actuator/health/readiness").statusCode()).isEqualTo(200);

            ProcessHandle postmaster = Postmaster.find(home.resolve("external")).orElseThrow();
            postmaster.destroyForcibly();
            postmaster.onExit().join();

            long start = System.nanoTime();
            HttpResponse<String> clusters = get(port, "/api/v1/clusters");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(clusters.statusCode()).isEqualTo(503);
            assertThat(clusters.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(clusters.body()).contains("database-unavailable", "The database is unavailable");
            assertThat(clusters.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(took).isLessThan(Duration.ofSeconds(8));

            HttpResponse<String> readiness = get(port, "/actuator/health/readiness");
            assertThat(readiness.statusCode()).isEqualTo(503);
            // A probe carries no token; the liveness of the process does not depend on its database.
            assertThat(get(port, "/actuator/health/liveness").statusCode()).isEqualTo(200);
        } finally {
            database.close();
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                .header("Authorization", "Bearer " + ADMIN)
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
