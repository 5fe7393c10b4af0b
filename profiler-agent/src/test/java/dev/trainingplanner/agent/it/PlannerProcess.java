package dev.trainingplanner.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code planner-api/target/planner.jar} as a process on the loopback interface, with its embedded PostgreSQL in
 * {@code work/data} (so a restart keeps the data), and a small HTTP client for it.
 */
final class PlannerProcess {

    static final Path JAR = Path.of(System.getProperty("planner.jar", "../planner-api/target/planner.jar"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path work;
    private final int port;
    private final String adminToken;
    private Process process;
    private Path log;

    PlannerProcess(Path work, String adminToken) throws IOException {
        this.work = work;
        this.adminToken = adminToken;
        try (ServerSocket socket = new ServerSocket(0)) {
            this.port = socket.getLocalPort();
        }
    }

    /** Why the test cannot run here, or null. */
    static String missing() {
        return Files.exists(JAR) ? null : "needs " + JAR.toAbsolutePath().normalize() + " (build planner-api first)";
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Starts the service and waits until it reports healthy; {@code name} names its log file. */
    void start(String name) throws Exception {
        log = work.resolve("planner-" + name + ".log");
        ProcessBuilder builder = new ProcessBuilder(
                        AgentRun.javaBinary(),
                        "-Xmx512m",
                        "-jar",
                        JAR.toAbsolutePath().toString())
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("PORT", Integer.toString(port));
        builder.environment().put("PLANNER_DATA_DIR", work.resolve("data").toString());
        builder.environment().put("PLANNER_ADMIN_TOKEN", adminToken);
        builder.environment().remove("SPRING_DATASOURCE_URL");
        process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("planner exited early:\n" + log());
            }
            try {
                HttpResponse<String> health = HTTP.send(
                        HttpRequest.newBuilder(URI.create(url() + "/actuator/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // The server is still starting.
            }
            Thread.sleep(500);
        }
        throw new AssertionError("planner not healthy within 120 s:\n" + log());
    }

    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        process = null;
    }

    /** Sends a request as the admin and expects {@code expectedStatus}; returns the answer's JSON. */
    JsonNode send(String method, String path, String body, int expectedStatus) throws Exception {
        return send(method, path, body, adminToken, expectedStatus);
    }

    JsonNode send(String method, String path, String body, String token, int expectedStatus) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + path))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("%s %s answered %s", method, path, response.body())
                .isEqualTo(expectedStatus);
        return JSON.readTree(response.body());
    }

    String log() {
        try {
            return log == null ? "(not started)" : Files.readString(log);
        } catch (IOException e) {
            return "(no log " + log + ": " + e.getMessage() + ")";
        }
    }
}
