package dev.trainingplanner.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private static final Path AGENT_JAR = Path.of("target/profiler-agent.jar");
    private static final String CLUSTER = "upload-it";
    private final String adminToken = "admin-" + UUID.randomUUID();

    @TempDir
    Path work;

    @BeforeAll
    static void requirements() {
        Requirements.unmet("PlannerUploadIT", PlannerProcess.missing());
    }

    @Test
    void spooledProfileArrivesOnceThePlannerIsBack() throws Exception {
        PlannerProcess planner = new PlannerProcess(work, adminToken);
        String agentToken;
        try {
            planner.start("first");
            planner.send("POST", "/api/v1/clusters", "{\"name\": \"" + CLUSTER + "\"}", 201);
            JsonNode issued = planner.send(
                    "POST",
                    "/api/v1/tokens",
                    "{\"name\": \"agent-n0\", \"role\": \"agent\", \"cluster\": \"" + CLUSTER + "\"}",
                    201);
            agentToken = issued.path("token").asText();
        } finally {
            planner.stop();
        }
        Files.writeString(work.resolve("gpus.txt"), "0 A100-80GB\n1 A100-80GB\n");
        Path spool = work.resolve("spool");

        int whileDown = runAgent(planner.url(), agentToken, spool, "agent-down.log");
        assertThat(whileDown).as(log("agent-down.log")).isNotEqualTo(2);
        assertThat(spooled(spool)).as(log("agent-down.log")).hasSize(1);

        try {
            planner.start("second");
            int whileUp = runAgent(planner.url(), agentToken, spool, "agent-up.log");

            assertThat(whileUp).as(log("agent-up.log")).isZero();
            assertThat(spooled(spool)).isEmpty();
            JsonNode effective = planner.send("GET", "/api/v1/clusters/" + CLUSTER + "/profiles?view=full", null, 200);
            JsonNode node = effective.path("profile").path("nodes").path(0);
            assertThat(node.path("name").asText()).isEqualTo("n0");
            assertThat(node.path("gpus")).hasSize(2);
            assertThat(node.path("gpus").path(0).path("source").asText()).isEqualTo("declared");
            JsonNode history =
                    planner.send("GET", "/api/v1/clusters/" + CLUSTER + "/profiles/history?subject=n0", null, 200);
            assertThat(history).as("one stored measurement per agent cycle").hasSize(2);
        } finally {
            planner.stop();
        }
    }

    private int runAgent(String plannerUrl, String token, Path spool, String logName) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                AgentRun.javaBinary(),
                "-jar",
                AGENT_JAR.toAbsolutePath().toString(),
                "run",
                "--planner",
                plannerUrl,
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

    private static List<Path> spooled(Path spool) throws IOException {
        if (!Files.isDirectory(spool)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(spool)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .toList();
        }
    }

    private String log(String name) {
        try {
            return Files.readString(work.resolve(name));
        } catch (IOException e) {
            return "(no log " + name + ": " + e.getMessage() + ")";
        }
    }
}
