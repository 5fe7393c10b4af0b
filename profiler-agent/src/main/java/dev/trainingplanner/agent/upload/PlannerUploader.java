package dev.trainingplanner.agent.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Sends uploads to planner-api: profiles ({@code POST {planner}/api/v1/clusters/{cluster}/profiles}) and measured
 * training steps ({@code POST {planner}/api/v1/jobs/{id}/measurements}), with the agent token and an
 * {@code Idempotency-Key}. 4xx answers are final (the problem detail is reported); 5xx answers and connection errors
 * are retried with exponential backoff and then spooled. Spooled uploads go first, in the order they were made and
 * with their original keys, so the planner stores each profile exactly once (measurements are keyed by job, revision
 * and step on the planner's side, so a resent batch is not counted twice either).
 */
public final class PlannerUploader {

    /** How an upload ended. */
    public enum Status {
        STORED,
        REJECTED,
        SPOOLED
    }

    public record Outcome(Status status, String detail) {}

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient client;
    private final URI planner;
    private final String token;
    private final Spool spool;
    private final int attempts;
    private final Duration initialBackoff;
    private final Duration requestTimeout;
    private final Consumer<String> log;

    public PlannerUploader(
            URI planner,
            String token,
            Spool spool,
            int attempts,
            Duration initialBackoff,
            Duration requestTimeout,
            Consumer<String> log) {
        this.client = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
        this.planner = planner;
        this.token = token;
        this.spool = spool;
        this.attempts = attempts;
        this.initialBackoff = initialBackoff;
        this.requestTimeout = requestTimeout;
        this.log = log;
    }

    /** Sends what is spooled, then this profile; spools it if the planner cannot be reached. */
    public Outcome upload(String cluster, String profileJson) throws IOException {
        return upload(SpooledUpload.profilesPath(cluster), MAPPER.readTree(profileJson));
    }

    /** Sends what is spooled, then this body to {@code path} (relative to the planner URL); spools it when unreachable. */
    public Outcome upload(String path, JsonNode body) throws IOException {
        SpooledUpload upload = new SpooledUpload(path, UUID.randomUUID().toString(), body);
        if (!sendSpooled()) {
            Path file = spool.add(upload);
            return new Outcome(Status.SPOOLED, "planner unreachable, spooled to " + file);
        }
        Outcome outcome = send(upload);
        if (outcome.status() == Status.SPOOLED) {
            Path file = spool.add(upload);
            return new Outcome(Status.SPOOLED, outcome.detail() + "; spooled to " + file);
        }
        return outcome;
    }

    /** Sends spooled uploads oldest first; false when the planner is still unreachable. */
    public boolean sendSpooled() throws IOException {
        for (Path file : spool.pending()) {
            SpooledUpload upload = spool.read(file);
            Outcome outcome = send(upload);
            switch (outcome.status()) {
                case STORED -> {
                    spool.remove(file);
                    log.accept("sent spooled upload " + upload.idempotencyKey() + " to " + upload.path());
                }
                case REJECTED -> {
                    Path kept = spool.reject(file);
                    log.accept("planner rejected spooled upload " + upload.idempotencyKey() + ": " + outcome.detail()
                            + " (kept in " + kept + ")");
                }
                case SPOOLED -> {
                    return false;
                }
            }
        }
        return true;
    }

    private Outcome send(SpooledUpload upload) {
        URI uri = planner.resolve(planner.getPath().endsWith("/") ? "" : planner.getPath() + "/")
                .resolve(upload.path());
        String body;
        try {
            body = MAPPER.writeValueAsString(upload.body());
        } catch (IOException e) {
            return new Outcome(Status.REJECTED, "upload cannot be serialised: " + e.getMessage());
        }
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + token)
                .header("Idempotency-Key", upload.idempotencyKey())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        String lastError = "no attempt";
        Duration backoff = initialBackoff;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return new Outcome(Status.STORED, "stored (HTTP " + status + ")");
                }
                if (status >= 400 && status < 500) {
                    return new Outcome(Status.REJECTED, "HTTP " + status + ": " + problemDetail(response.body()));
                }
                lastError = "HTTP " + status;
            } catch (IOException e) {
                lastError = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(Status.SPOOLED, "interrupted");
            }
            log.accept("upload attempt " + attempt + "/" + attempts + " to " + uri + " failed: " + lastError);
            if (attempt < attempts) {
                sleep(backoff);
                backoff = backoff.multipliedBy(2);
            }
        }
        return new Outcome(Status.SPOOLED, "planner unreachable after " + attempts + " attempts (" + lastError + ")");
    }

    /** The RFC 7807 {@code detail} (or {@code title}) of an error answer, else its raw text. */
    static String problemDetail(String body) {
        try {
            JsonNode problem = MAPPER.readTree(body);
            if (problem != null && problem.hasNonNull("detail")) {
                return problem.get("detail").asText();
            }
            if (problem != null && problem.hasNonNull("title")) {
                return problem.get("title").asText();
            }
        } catch (IOException e) {
            // not JSON: the text itself is the best explanation available
        }
        return body == null || body.isBlank() ? "(no explanation given)" : body.strip();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
