package dev.trainingplanner.agent.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** One direction of a node-to-node link: p50 and p95 of repeated bandwidth and latency tests. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinkProfile(
        String from,
        String to,
        double bandwidthGbps,
        double latencyUs,
        Double p95BandwidthGbps,
        Double p95LatencyUs,
        Instant measuredAt) {}
