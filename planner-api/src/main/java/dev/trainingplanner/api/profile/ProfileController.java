package dev.trainingplanner.api.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.api.problem.ApiExceptionHandler;
import dev.trainingplanner.api.problem.ClientMistake;
import dev.trainingplanner.api.security.Caller;
import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ProfileJson;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.ExceptionHandler;
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

    static final String SUMMARY = "summary";
    static final String FULL = "full";
    /** Measurements per page of the full view: 1,000 by default, 10,000 at most. */
    static final int DEFAULT_PAGE = 1_000;

    static final int MAX_PAGE = 10_000;
    static final int MAX_HISTORY_PAGE = 1_000;

    private final ProfileStore profiles;
    private final ProfileReads reads;
    private final ProfileSummaries summaries;

    ProfileController(ProfileStore profiles, ProfileReads reads, ProfileSummaries summaries) {
        this.profiles = profiles;
        this.reads = reads;
        this.summaries = summaries;
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

    /** The default view of a cluster's profile: what it holds, counted, without its parts. */
    record ProfileSummaryView(
            String view,
            String name,
            Instant measuredAt,
            long nodes,
            long gpus,
            long links,
            ClusterProfile.DefaultLink defaultLink,
            long measurements,
            Duration staleAfter,
            long staleMeasurements) {}

    /** Where a page of the full view lies among the effective profile's latest measurements. */
    record PageView(long offset, int limit, long totalMeasurements, boolean more) {}

    /** The full view: a page of the effective profile and of its measurements, with where the page lies. */
    record EffectiveProfileView(
            ClusterProfile profile,
            Duration staleAfter,
            long staleMeasurements,
            List<MeasurementView> measurements,
            PageView page) {}

    @GetMapping
    @ApiResponse(
            responseCode = "200",
            description = "`?view=summary` (default): counts; `?view=full`: a page of the effective profile",
            content = @Content(schema = @Schema(oneOf = {ProfileSummaryView.class, EffectiveProfileView.class})))
    Object effective(
            @PathVariable String name,
            @RequestParam(defaultValue = SUMMARY) String view,
            @RequestParam(defaultValue = "0") long offset,
            @RequestParam(defaultValue = "" + DEFAULT_PAGE) int limit) {
        return switch (view) {
            case SUMMARY -> reads.read(() -> summary(name));
            case FULL -> reads.read(() -> fullPage(name, offset(offset), pageLimit(limit, MAX_PAGE, "limit")));
            default -> throw ClientMistake.invalid("view", "view must be '" + SUMMARY + "' or '" + FULL + "'");
        };
    }

    private ProfileSummaryView summary(String name) {
        ProfileStore.Summary summary = summaries.of(name);
        return new ProfileSummaryView(
                SUMMARY,
                name,
                summary.measuredAt(),
                summary.nodes(),
                summary.gpus(),
                summary.links(),
                summary.defaultLink(),
                summary.measurements(),
                summary.staleAfter(),
                summary.staleMeasurements(Instant.now()));
    }

    private EffectiveProfileView fullPage(String name, long offset, int limit) {
        ProfileStore.Summary summary = summaries.of(name);
        ProfileStore.EffectiveProfile page = profiles.effectivePage(name, offset, limit);
        List<MeasurementView> measurements =
                page.measurements().stream().map(MeasurementView::of).toList();
        return new EffectiveProfileView(
                page.profile(),
                page.staleAfter(),
                summary.staleMeasurements(Instant.now()),
                measurements,
                new PageView(
                        offset, limit, summary.measurements(), offset + measurements.size() < summary.measurements()));
    }

    @GetMapping("/history")
    List<HistoryEntryView> history(
            @PathVariable String name,
            @RequestParam(required = false) String subject,
            @RequestParam(defaultValue = "0") long offset,
            @RequestParam(defaultValue = "" + MAX_HISTORY_PAGE) int limit) {
        long from = offset(offset);
        int count = pageLimit(limit, MAX_HISTORY_PAGE, "limit");
        return reads.read(() -> profiles.history(name, subject, from, count).stream()
                .map(HistoryEntryView::of)
                .toList());
    }

    @ExceptionHandler(ProfileReads.Busy.class)
    ResponseEntity<ProblemDetail> busy(ProfileReads.Busy busy) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "5")
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, busy.getMessage()));
    }

    private static long offset(long offset) {
        if (offset < 0) {
            throw ClientMistake.invalid("offset", "offset must be 0 or more, got " + offset);
        }
        return offset;
    }

    private static int pageLimit(int limit, int max, String field) {
        if (limit < 1 || limit > max) {
            throw ClientMistake.invalid(field, field + " must be 1-" + max + ", got " + limit);
        }
        return limit;
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
