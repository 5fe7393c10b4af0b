package dev.trainingplanner.api.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/** Sets up the data a browser test looks at through the service's own REST API, over a real socket. */
final class ServiceClient {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String token;

    ServiceClient(int port, String token) {
        this.base = "http://localhost:" + port + "/api/v1";
        this.token = token;
    }

    record Answer(int status, String body, HttpResponse<String> raw) {}

    Answer get(String path) {
        return send("GET", path, null);
    }

    Answer post(String path, String json, String... headers) {
        return send("POST", path, json, headers);
    }

    /** Sends and insists on a 2xx answer, so a setup step that the service refuses stops the test with its problem. */
    Answer ok(String method, String path, String json, String... headers) {
        Answer answer = send(method, path, json, headers);
        if (answer.status() / 100 != 2) {
            throw new AssertionError(method + " " + path + " answered " + answer.status() + ": " + answer.body());
        }
        return answer;
    }

    Answer uploadProfile(String cluster, String profileJson) {
        return ok(
                "POST",
                "/clusters/" + cluster + "/profiles",
                profileJson,
                "Idempotency-Key",
                UUID.randomUUID().toString());
    }

    Answer send(String method, String path, String json, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
