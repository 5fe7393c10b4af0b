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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent against the real service: a profile measured while the planner is down waits in the spool, and once the
 * planner is back (same database) the spooled profile and the next one both arrive, each stored exactly once.
 * Runs {@code planner-api/target/planner.jar} (embedded PostgreSQL in a temporary folder) and the agent jar as
 * processes on the loopback interface.
 */
class PlannerUploadIT {

    private static final Path PLANNER_JAR =
            Path.of(System.getProperty("planner.jar", "../planner-api/target/planner.jar"));
    private static final Path AGENT_JAR = Path.of("target/profiler-agent.jar");
    private static final String CLUSTER = "upload-it";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String adminToken = "admin-" + UUID.randomUUID();

    @TempDir
    Path work;

    @BeforeAll
    static void requirements() {
        Requirements.unmet(
                "PlannerUploadIT",
                Files.exists(PLANNER_JAR)
                        ? null
                        : "needs " + PLANNER_JAR.toAbsolutePath().normalize() + " (build planner-api first)");
    }

    @Test
    void spooledProfileArrivesOnceThePlannerIsBack() throws Exception {
        int port = freePort();
        String agentToken;
        Process planner = startPlanner(port, "first");
        try {
            awaitHealthy(port, planner, "first");
            send(port, "POST", "/api/v1/clusters", "{\"name\": \"" + CLUSTER + "\"}", adminToken, 201);
            JsonNode issued = send(
                    port,
                    "POST",
                    "/api/v1/tokens",
                    "{\"name\": \"agent-n0\", \"role\": \"agent\", \"cluster\": \"" + CLUSTER + "\"}",
                    adminToken,
                    201);
            agentToken = issued.path("token").asText();
        } finally {
            stop(planner);
        }
        Files.writeString(work.resolve("gpus.txt"), "0 A100-80GB\n1 A100-80GB\n");
        Path spool = work.resolve("spool");

        int whileDown = runAgent(port, agentToken, spool, "agent-down.log");
        assertThat(whileDown).as(log("agent-down.log")).isNotEqualTo(2);
        assertThat(spooled(spool)).as(log("agent-down.log")).hasSize(1);

        planner = startPlanner(port, "second");
        try {
            awaitHealthy(port, planner, "second");
            int whileUp = runAgent(port, agentToken, spool, "agent-up.log");

            assertThat(whileUp).as(log("agent-up.log")).isZero();
            assertThat(spooled(spool)).isEmpty();
            JsonNode effective =
                    send(port, "GET", "/api/v1/clusters/" + CLUSTER + "/profiles?view=full", null, adminToken, 200);
            JsonNode node = effective.path("profile").path("nodes").path(0);
            assertThat(node.path("name").asText()).isEqualTo("n0");
            assertThat(node.path("gpus")).hasSize(2);
            assertThat(node.path("gpus").path(0).path("source").asText()).isEqualTo("declared");
            JsonNode history = send(
                    port, "GET", "/api/v1/clusters/" + CLUSTER + "/profiles/history?subject=n0", null, adminToken, 200);
            assertThat(history).as("one stored measurement per agent cycle").hasSize(2);
        } finally {
            stop(planner);
        }
    }

    private Process startPlanner(int port, String name) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                        AgentRun.javaBinary(),
                        "-Xmx512m",
                        "-jar",
                        PLANNER_JAR.toAbsolutePath().toString())
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("planner-" + name + ".log").toFile());
        builder.environment().put("PORT", Integer.toString(port));
        builder.environment().put("PLANNER_DATA_DIR", work.resolve("data").toString());
        builder.environment().put("PLANNER_ADMIN_TOKEN", adminToken);
        builder.environment().remove("SPRING_DATASOURCE_URL");
        return builder.start();
    }

    private void awaitHealthy(int port, Process planner, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!planner.isAlive()) {
                throw new AssertionError("planner exited early:\n" + log("planner-" + name + ".log"));
            }
            try {
                HttpResponse<String> health = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
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
        throw new AssertionError("planner not healthy within 120 s:\n" + log("planner-" + name + ".log"));
    }

    private int runAgent(int port, String token, Path spool, String logName) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                AgentRun.javaBinary(),
                "-jar",
                AGENT_JAR.toAbsolutePath().toString(),
                "run",
                "--planner",
                "http://127.0.0.1:" + port,
                "--token",
                token,
                "--cluster",
                CLUSTER,
                "--node",
                "n0",
                "--gpus-file",
                work.resolve("gpus.txt").toString(),
                "--compute-rounds",
                "3",
                "--spool",
                spool.toString(),
                "--cycles",
                "1",
                "--upload-attempts",
                "2",
                "--upload-backoff-ms",
                "200"));
        Process agent = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve(logName).toFile())
                .start();
        if (!agent.waitFor(120, TimeUnit.SECONDS)) {
            agent.destroyForcibly();
            throw new AssertionError("agent did not finish within 120 s:\n" + log(logName));
        }
        return agent.exitValue();
    }

    private JsonNode send(int port, String method, String path, String body, String token, int expectedStatus)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("%s %s answered %s", method, path, response.body())
                .isEqualTo(expectedStatus);
        return JSON.readTree(response.body());
    }

    private static List<Path> spooled(Path spool) throws IOException {
        if (!Files.isDirectory(spool)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(spool)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .toList();
        }
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private String log(String name) {
        try {
            return Files.readString(work.resolve(name));
        } catch (IOException e) {
            return "(no log " + name + ": " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
