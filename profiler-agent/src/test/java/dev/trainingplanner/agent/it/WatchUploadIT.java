package dev.trainingplanner.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.agent.support.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code watch} against the real service: the test writes a Megatron-LM log line by line (lines of the real 2024
 * excerpt, with their iteration and time changed) while the agent follows it. Steps reach the planner while it is up,
 * wait in the spool while it is down, survive a rotation of the log, and arrive once each when the planner is back;
 * a second agent that reads the same log again adds nothing.
 */
class WatchUploadIT {

    private static final Path AGENT_JAR = Path.of("target/profiler-agent.jar");
    private static final String CLUSTER = "watch-it";
    private static final int SEQUENCE_LENGTH = 2048;

    private final String adminToken = "admin-" + UUID.randomUUID();

    @TempDir
    Path work;

    @BeforeAll
    static void requirements() {
        Requirements.unmet("WatchUploadIT", PlannerProcess.missing());
    }

    @Test
    void stepsOfAFollowedLogArriveOnceThroughOutageAndRotation() throws Exception {
        PlannerProcess planner = new PlannerProcess(work, adminToken);
        Path log = work.resolve("train.log");
        Path spool = work.resolve("spool");
        Process agent = null;
        try {
            planner.start("first");
            String agentToken = agentToken(planner);
            String job = jobWithOnePlan(planner);
            String measurements = "/api/v1/jobs/" + job + "/measurements";

            agent = startAgent(planner.url(), agentToken, job, spool, "watch-1.log", 0);
            append(
                    log,
                    line(1, 5000.0)
                            + line(2, 1000.0)
                            + line(3, 1010.0)
                            + line(4, 1020.0).substring(0, 60));
            awaitSteps(planner, measurements, 3, "watch-1.log");

            planner.stop();
            append(log, line(4, 1020.0).substring(60) + line(5, 1030.0));
            awaitSpooled(spool, "watch-1.log");
            Files.move(log, work.resolve("train.log.1"));
            append(log, line(6, 1040.0) + line(7, 1050.0));
            Thread.sleep(3_000);

            planner.start("second");
            JsonNode answer = awaitSteps(planner, measurements, 7, "watch-1.log");
            assertThat(answer.get("samples"))
                    .extracting(sample -> sample.get("step").asLong())
                    .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
            JsonNode step4 = answer.at("/samples/3");
            assertThat(step4.get("iterationSeconds").asDouble()).isCloseTo(1.02, within(1e-12));
            assertThat(step4.get("tokensPerSecond").asDouble())
                    .as("global batch size 128 from the line, sequence length from --sequence-length")
                    .isCloseTo(128.0 * SEQUENCE_LENGTH / 1.02, within(1e-6));
            assertThat(step4.get("timestamp").asText()).isEqualTo("2024-04-06T03:02:04Z");
            stop(agent);
            agent = null;
            assertThat(spooled(spool)).as(agentLog("watch-1.log")).isEmpty();

            Process again = startAgent(planner.url(), agentToken, job, spool, "watch-2.log", 3);
            assertThat(again.waitFor(120, TimeUnit.SECONDS))
                    .as(agentLog("watch-2.log"))
                    .isTrue();
            assertThat(again.exitValue()).as(agentLog("watch-2.log")).isZero();
            assertThat(agentLog("watch-2.log"))
                    .as("the planner answers 200 (nothing new) to the resent steps 6 and 7")
                    .contains("stored (HTTP 200)");
            JsonNode summary = planner.send("GET", measurements, null, 200).at("/summaries/0");
            assertThat(summary.get("samples").asLong())
                    .as("re-read steps are not counted twice")
                    .isEqualTo(7);
            assertThat(summary.get("planRevision").asInt()).isEqualTo(1);
        } finally {
            if (agent != null) {
                stop(agent);
            }
            planner.stop();
        }
    }

    /** Iteration {@code iteration} of the real Megatron-LM excerpt, taking {@code milliseconds}, as a complete line. */
    private static String line(int iteration, double milliseconds) {
        String template =
                Fixtures.citedLines("megatron-lm-2024-04-timestamped.real.log").get(0);
        return template.replace(
                                "[2024-04-06 03:02:12]",
                                String.format(Locale.ROOT, "[2024-04-06 03:02:%02d]", iteration))
                        .replace("iteration       71/", String.format(Locale.ROOT, "iteration %8d/", iteration))
                        .replace("5361.6", String.format(Locale.ROOT, "%.1f", milliseconds))
                + "\n";
    }

    private static void append(Path log, String text) throws IOException {
        Files.writeString(log, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private String agentToken(PlannerProcess planner) throws Exception {
        planner.send("POST", "/api/v1/clusters", "{\"name\": \"" + CLUSTER + "\"}", 201);
        String token = planner.send(
                        "POST",
                        "/api/v1/tokens",
                        "{\"name\": \"watch\", \"role\": \"agent\", \"cluster\": \"" + CLUSTER + "\"}",
                        201)
                .path("token")
                .asText();
        StringBuilder profile = new StringBuilder("{\"name\":\"" + CLUSTER + "\",\"nodes\":[");
        for (int node = 0; node < 2; node++) {
            profile.append(node == 0 ? "" : ",").append("{\"name\":\"n" + node + "\",\"gpus\":[");
            for (int gpu = 0; gpu < 8; gpu++) {
                profile.append(gpu == 0 ? "" : ",")
                        .append("{\"index\":" + gpu + ",\"type\":\"H100-80GB\",\"memoryBytes\":85520809984}");
            }
            profile.append("]}");
        }
        profile.append("],\"defaultLink\":{\"bandwidthGbps\":400.0,\"latencyUs\":5.0}}");
        planner.send("POST", "/api/v1/clusters/" + CLUSTER + "/profiles", profile.toString(), token, 201);
        return token;
    }

    /** A job on the 16 GPUs with one completed plan, its revision 1. */
    private static String jobWithOnePlan(PlannerProcess planner) throws Exception {
        String job = planner.send(
                        "POST",
                        "/api/v1/jobs",
                        "{\"name\":\"watched\",\"cluster\":\"" + CLUSTER + "\",\"model\":\"gpt3-1.3b\","
                                + "\"goal\":{\"globalBatchSequences\":128,\"gpus\":16},"
                                + "\"options\":{\"timeLimitSeconds\":2}}",
                        201)
                .get("id")
                .asText();
        String plan = planner.send("POST", "/api/v1/plans", "{\"jobId\":\"" + job + "\"}", 202)
                .get("id")
                .asText();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            String status = planner.send("GET", "/api/v1/plans/" + plan, null, 200)
                    .get("status")
                    .asText();
            if (!status.equals("QUEUED") && !status.equals("SOLVING")) {
                assertThat(status).isEqualTo("COMPLETED");
                return job;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("plan " + plan + " did not finish within 180 s");
    }

    private Process startAgent(String url, String token, String job, Path spool, String logName, int stopAfterIdle)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                AgentRun.javaBinary(),
                "-jar",
                AGENT_JAR.toAbsolutePath().toString(),
                "watch",
                "--log",
                work.resolve("train.log").toString(),
                "--format",
                "megatron",
                "--job",
                job,
                "--revision",
                "1",
                "--global-batch",
                "128",
                "--sequence-length",
                Integer.toString(SEQUENCE_LENGTH),
                "--gpus",
                "16",
                "--planner",
                url,
                "--token",
                token,
                "--spool",
                spool.toString(),
                "--batch",
                "2",
                "--flush-s",
                "1",
                "--poll-ms",
                "200",
                "--upload-attempts",
                "2",
                "--upload-backoff-ms",
                "200",
                "--stop-after-idle-s",
                Integer.toString(stopAfterIdle)));
        // The log's time stamps are read as local time; UTC makes the expected instants exact.
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve(logName).toFile());
        builder.environment().put("TZ", "UTC");
        return builder.start();
    }

    private JsonNode awaitSteps(PlannerProcess planner, String path, int count, String agentLog) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode answer;
        do {
            answer = planner.send("GET", path, null, 200);
            if (answer.get("samples").size() >= count) {
                assertThat(answer.get("samples")).as(agentLog(agentLog)).hasSize(count);
                return answer;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("expected " + count + " steps, got " + answer + "\n" + agentLog(agentLog));
    }

    private void awaitSpooled(Path spool, String agentLog) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!spooled(spool).isEmpty()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("nothing spooled while the planner was down\n" + agentLog(agentLog));
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

    private static void stop(Process agent) throws InterruptedException {
        agent.destroy();
        if (!agent.waitFor(60, TimeUnit.SECONDS)) {
            agent.destroyForcibly().waitFor();
        }
    }

    private String agentLog(String name) {
        try {
            return Files.readString(work.resolve(name));
        } catch (IOException e) {
            return "(no log " + name + ": " + e.getMessage() + ")";
        }
    }
}
