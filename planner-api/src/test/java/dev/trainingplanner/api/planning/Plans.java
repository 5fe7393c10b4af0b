package dev.trainingplanner.api.planning;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.api.testing.Api;
import java.time.Duration;

/** Polls a plan over the API. */
public final class Plans {

    private Plans() {}

    /** Plans the stored job {@code jobId} and waits for the plan, which must complete. */
    public static JsonNode planJob(Api api, String jobId, Duration timeout) {
        Api.Answer started = api.post("/api/v1/plans", "{\"jobId\":\"" + jobId + "\"}");
        if (started.status() != 202) {
            throw new AssertionError("planning job " + jobId + " was not accepted: " + started);
        }
        JsonNode plan = awaitFinished(api, started.header("Location"), timeout);
        if (!plan.get("status").asText().equals("COMPLETED")) {
            throw new AssertionError("the plan of job " + jobId + " did not complete: " + plan);
        }
        return plan;
    }

    /**
     * Waits until job {@code jobId} lists at least {@code count} revisions and returns them, newest first. A revision
     * is recorded after its plan completes, not with it.
     */
    public static JsonNode awaitRevisions(Api api, String jobId, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode revisions;
        do {
            revisions = api.get("/api/v1/jobs/" + jobId + "/revisions").json();
            if (revisions.size() >= count) {
                return revisions;
            }
            pause();
        } while (System.nanoTime() < deadline);
        throw new AssertionError(
                "job " + jobId + " did not list " + count + " revisions within " + timeout + ": " + revisions);
    }

    public static JsonNode awaitFinished(Api api, String location, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode plan;
        do {
            plan = api.get(location).json();
            String status = plan.get("status").asText();
            if (status.equals("COMPLETED") || status.equals("FAILED") || status.equals("CANCELLED")) {
                return plan;
            }
            pause();
        } while (System.nanoTime() < deadline);
        throw new AssertionError("plan did not finish within " + timeout + ": " + plan);
    }

    public static JsonNode awaitStatus(Api api, String location, String wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode plan;
        do {
            plan = api.get(location).json();
            if (plan.get("status").asText().equals(wanted)) {
                return plan;
            }
            pause();
        } while (System.nanoTime() < deadline);
        throw new AssertionError("plan never reached " + wanted + " within " + timeout + ": " + plan);
    }

    /** Waits until a solve reports its best plan so far, or ends. */
    public static JsonNode awaitBestSoFar(Api api, String location, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode plan;
        do {
            plan = api.get(location).json();
            String status = plan.get("status").asText();
            if (plan.hasNonNull("bestSoFar") || !status.equals("QUEUED") && !status.equals("SOLVING")) {
                return plan;
            }
            pause();
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no best plan so far within " + timeout + ": " + plan);
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
