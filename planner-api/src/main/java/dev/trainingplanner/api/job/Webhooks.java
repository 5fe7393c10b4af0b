package dev.trainingplanner.api.job;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Posts a job's flags (nightly, or raised by its measurements) as JSON to its webhook; a failing webhook is logged and
 * never fails the re-plan or the upload. The target is checked again before each call ({@link WebhookTargets}), and
 * redirects are not followed, so a receiver cannot send the call on to an internal address.
 */
@Component
public class Webhooks {

    private static final Logger log = LoggerFactory.getLogger(Webhooks.class);

    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final WebhookTargets targets;

    Webhooks(WebhookTargets targets) {
        this.targets = targets;
    }

    public void send(String url, String body) {
        URI target = URI.create(url);
        Optional<String> refused = targets.problem(target, true);
        if (refused.isPresent()) {
            log.warn("Webhook {} not called: it {}", url, refused.get());
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(target)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            if (failure != null) {
                log.warn("Webhook {} failed: {}", url, failure.toString());
            } else if (response.statusCode() >= 300) {
                log.warn("Webhook {} answered {}", url, response.statusCode());
            }
        });
    }
}
