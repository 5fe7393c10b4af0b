package dev.trainingplanner.agent.upload;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploads against a small real HTTP server playing planner-api's upload endpoints. */
class PlannerUploaderTest {

    /** One request as the planner saw it. */
    record Received(String path, String authorization, String idempotencyKey, String contentType, String body) {}

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Deque<Integer> statuses = new ConcurrentLinkedDeque<>();
    private final List<String> log = new ArrayList<>();
    private HttpServer planner;

    @TempDir
    Path spoolDir;

    @AfterEach
    void stop() {
        if (planner != null) {
            planner.stop(0);
        }
    }

    @Test
    void storedProfileCarriesTokenKeyAndJson() throws Exception {
        PlannerUploader uploader = uploader(startPlanner(0));

        PlannerUploader.Outcome outcome = uploader.upload("cluster a", "{\"name\":\"cluster a\"}");

        assertThat(outcome.status()).isEqualTo(PlannerUploader.Status.STORED);
        assertThat(received).singleElement().satisfies(request -> {
            assertThat(request.path()).isEqualTo("/api/v1/clusters/cluster%20a/profiles");
            assertThat(request.authorization()).isEqualTo("Bearer agent-token");
            assertThat(request.idempotencyKey()).matches("[0-9a-f-]{36}");
            assertThat(request.contentType()).isEqualTo("application/json");
            assertThat(request.body()).isEqualTo("{\"name\":\"cluster a\"}");
        });
    }

    @Test
    void plannerUrlWithAPathPrefixKeepsIt() throws Exception {
        URI base = startPlanner(0);
        PlannerUploader uploader = uploader(URI.create(base + "/planner"));

        assertThat(uploader.upload("c1", "{}").status()).isEqualTo(PlannerUploader.Status.STORED);
        assertThat(uploader(URI.create(base + "/planner/")).upload("c1", "{}").status())
                .isEqualTo(PlannerUploader.Status.STORED);
        assertThat(received)
                .extracting(Received::path)
                .containsExactly("/planner/api/v1/clusters/c1/profiles", "/planner/api/v1/clusters/c1/profiles");
    }

    @Test
    void serverErrorsAreRetriedWithTheSameKey() throws Exception {
        statuses.add(503);
        statuses.add(500);
        PlannerUploader uploader = uploader(startPlanner(0));

        PlannerUploader.Outcome outcome = uploader.upload("c1", "{\"name\":\"c1\"}");

        assertThat(outcome.status()).isEqualTo(PlannerUploader.Status.STORED);
        assertThat(received).hasSize(3);
        assertThat(received)
                .extracting(Received::idempotencyKey)
                .containsOnly(received.get(0).idempotencyKey());
        assertThat(log).anyMatch(line -> line.contains("attempt 1/3") && line.contains("HTTP 503"));
    }

    @Test
    void rejectedProfileReportsTheProblemDetailWithoutRetrying() throws Exception {
        statuses.add(422);
        PlannerUploader uploader = uploader(startPlanner(0));

        PlannerUploader.Outcome outcome = uploader.upload("c1", "{\"name\":\"c1\"}");

        assertThat(outcome.status()).isEqualTo(PlannerUploader.Status.REJECTED);
        assertThat(outcome.detail()).isEqualTo("HTTP 422: unknown key 'bandwidth' in links[0]");
        assertThat(received).hasSize(1);
        assertThat(new Spool(spoolDir).pending()).isEmpty();
    }

    @Test
    void unreachablePlannerSpoolsAndLaterSendsSpooledProfilesFirstWithTheirKeys() throws Exception {
        int port = freePort();
        PlannerUploader uploader = uploader(URI.create("http://127.0.0.1:" + port));

        PlannerUploader.Outcome first = uploader.upload("c1", "{\"name\":\"c1\",\"nodes\":[1]}");
        PlannerUploader.Outcome second = uploader.upload("c1", "{\"name\":\"c1\",\"nodes\":[2]}");

        assertThat(first.status()).isEqualTo(PlannerUploader.Status.SPOOLED);
        assertThat(second.status()).isEqualTo(PlannerUploader.Status.SPOOLED);
        List<Path> spooled = new Spool(spoolDir).pending();
        assertThat(spooled).hasSize(2);
        String firstKey = new Spool(spoolDir).read(spooled.get(0)).idempotencyKey();

        startPlanner(port);
        PlannerUploader.Outcome third = uploader.upload("c1", "{\"name\":\"c1\",\"nodes\":[3]}");

        assertThat(third.status()).isEqualTo(PlannerUploader.Status.STORED);
        assertThat(received)
                .extracting(Received::body)
                .containsExactly(
                        "{\"name\":\"c1\",\"nodes\":[1]}",
                        "{\"name\":\"c1\",\"nodes\":[2]}",
                        "{\"name\":\"c1\",\"nodes\":[3]}");
        assertThat(received.get(0).idempotencyKey()).isEqualTo(firstKey);
        assertThat(received).extracting(Received::idempotencyKey).doesNotHaveDuplicates();
        assertThat(new Spool(spoolDir).pending()).isEmpty();
    }

    @Test
    void aSpoolFileOfTheProfileOnlyLayoutIsStillSentToItsCluster() throws Exception {
        java.nio.file.Files.writeString(
                spoolDir.resolve("0000000000001-old.json"),
                "{\"cluster\":\"c1\",\"idempotencyKey\":\"old\",\"profile\":{\"name\":\"c1\"}}");
        PlannerUploader uploader = uploader(startPlanner(0));

        assertThat(uploader.sendSpooled()).isTrue();

        assertThat(received).singleElement().satisfies(request -> {
            assertThat(request.path()).isEqualTo("/api/v1/clusters/c1/profiles");
            assertThat(request.idempotencyKey()).isEqualTo("old");
            assertThat(request.body()).isEqualTo("{\"name\":\"c1\"}");
        });
    }

    @Test
    void anyBodyGoesToItsPath() throws Exception {
        PlannerUploader uploader = uploader(startPlanner(0));

        PlannerUploader.Outcome outcome = uploader.upload(
                "api/v1/jobs/j1/measurements",
                new com.fasterxml.jackson.databind.ObjectMapper().readTree("[{\"step\":1}]"));

        assertThat(outcome.status()).isEqualTo(PlannerUploader.Status.STORED);
        assertThat(received).singleElement().satisfies(request -> {
            assertThat(request.path()).isEqualTo("/api/v1/jobs/j1/measurements");
            assertThat(request.body()).isEqualTo("[{\"step\":1}]");
        });
    }

    @Test
    void problemDetailFallsBackToTitleAndText() {
        assertThat(PlannerUploader.problemDetail("{\"title\":\"Forbidden\"}")).isEqualTo("Forbidden");
        assertThat(PlannerUploader.problemDetail("plain text")).isEqualTo("plain text");
        assertThat(PlannerUploader.problemDetail("")).isEqualTo("(no explanation given)");
    }

    private PlannerUploader uploader(URI uri) {
        return new PlannerUploader(
                uri, "agent-token", new Spool(spoolDir), 3, Duration.ofMillis(20), Duration.ofSeconds(5), log::add);
    }

    private URI startPlanner(int port) throws IOException {
        planner = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 0);
        planner.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(
                    exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    body));
            Integer status = statuses.poll();
            byte[] answer = status != null && status == 422
                    ? "{\"title\":\"Invalid profile\",\"detail\":\"unknown key 'bandwidth' in links[0]\"}"
                            .getBytes(StandardCharsets.UTF_8)
                    : "{}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
            exchange.sendResponseHeaders(status == null ? 201 : status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        planner.start();
        return URI.create("http://127.0.0.1:" + planner.getAddress().getPort());
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
