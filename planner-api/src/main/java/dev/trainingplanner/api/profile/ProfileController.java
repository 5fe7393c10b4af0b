package dev.trainingplanner.api.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.api.problem.ApiExceptionHandler;
import dev.trainingplanner.api.problem.ClientMistake;
import dev.trainingplanner.api.security.Caller;
import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ProfileJson;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Agents upload measurements in the cluster-profile format (whole or partial); readers get the merged effective
 * profile with the time and staleness of every part, or the history of one node or link.
 */
@RestController
@RequestMapping("/api/v1/clusters/{name}/profiles")
class ProfileController {

    private static final int MAX_IDEMPOTENCY_KEY_LENGTH = 200;
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[!-~]{1," + MAX_IDEMPOTENCY_KEY_LENGTH + "}");

    private final ProfileStore profiles;

    ProfileController(ProfileStore profiles) {
        this.profiles = profiles;
    }

    record MeasurementView(String kind, String subject, Instant measuredAt, Instant receivedAt, boolean stale) {
        static MeasurementView of(ProfileStore.Measurement m) {
            return new MeasurementView(m.kind(), m.subject(), m.measuredAt(), m.receivedAt(), m.stale());
        }
    }

    /** One stored measurement with its measured values (a node or link in the profile format). */
    record HistoryEntryView(
            String kind,
            String subject,
            Instant measuredAt,
            Instant receivedAt,
            boolean stale,
            @Schema(
                            oneOf = {
                                ClusterProfile.NodeProfile.class,
                                ClusterProfile.LinkProfile.class,
                                ClusterProfile.DefaultLink.class
                            })
                    JsonNode value) {
        static HistoryEntryView of(ProfileStore.Measurement m) {
            try {
                return new HistoryEntryView(
                        m.kind(),
                        m.subject(),
                        m.measuredAt(),
                        m.receivedAt(),
                        m.stale(),
                        ProfileJson.reader(JsonNode.class).readTree(m.body()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored measurement of " + m.subject() + " is not JSON", e);
            }
        }
    }

    record EffectiveProfileView(
            ClusterProfile profile, Duration staleAfter, long staleMeasurements, List<MeasurementView> measurements) {}

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ProfileStore.UploadResult> upload(
            @PathVariable String name,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody String body,
            @AuthenticationPrincipal Caller caller) {
        if (!caller.mayUploadTo(name)) {
            throw new ClientMistake(
                    HttpStatus.FORBIDDEN, null, "this agent token may only upload profiles for its own cluster");
        }
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            throw ClientMistake.invalid(
                    "Idempotency-Key",
                    "Idempotency-Key must be 1-" + MAX_IDEMPOTENCY_KEY_LENGTH
                            + " visible ASCII characters (no spaces or control characters)");
        }
        ClusterProfile upload = parse(body);
        ProfileStore.UploadResult result = profiles.upload(name, idempotencyKey, upload, body);
        return ResponseEntity.status(result.replayed() ? HttpStatus.OK : HttpStatus.CREATED)
                .body(result);
    }

    @GetMapping
    EffectiveProfileView effective(@PathVariable String name) {
        ProfileStore.EffectiveProfile effective = profiles.effective(name);
        List<MeasurementView> measurements =
                effective.measurements().stream().map(MeasurementView::of).toList();
        long stale = measurements.stream().filter(MeasurementView::stale).count();
        return new EffectiveProfileView(effective.profile(), effective.staleAfter(), stale, measurements);
    }

    @GetMapping("/history")
    List<HistoryEntryView> history(@PathVariable String name, @RequestParam(required = false) String subject) {
        return profiles.history(name, subject).stream()
                .map(HistoryEntryView::of)
                .toList();
    }

    private static ClusterProfile parse(String body) {
        try {
            ClusterProfile profile = ProfileJson.reader(ClusterProfile.class).readValue(body);
            if (profile == null) {
                throw ClientMistake.invalid("(body)", "the body must be a cluster-profile JSON object");
            }
            return profile;
        } catch (JsonProcessingException e) {
            throw ApiExceptionHandler.describe(e);
        }
    }
}
