package dev.trainingplanner.agent.profile;

import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ClusterProfile.DefaultLink;
import dev.trainingplanner.profile.ClusterProfile.LinkProfile;
import dev.trainingplanner.profile.ClusterProfile.NodeProfile;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Joins the partial profiles of several agents (each holding its node and the links from it) into
 * one cluster profile, e.g. the {@code once} outputs of a Slurm job for {@code planner.jar plan}.
 */
public final class ProfileMerger {

    /** How to give an agent its GPUs when it found none. */
    public static final String NO_GPUS_FIX = "pass --gpus-file FILE to the agent to declare them ('INDEX TYPE"
            + " [memoryGiB=N] [peakTflops=N]' per line), or install the NVIDIA driver tools so that nvidia-smi is on"
            + " the PATH (or give --nvidia-smi PATH)";

    private ProfileMerger() {}

    public static ClusterProfile merge(String clusterName, List<ClusterProfile> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge: give at least one profile file");
        }
        List<NodeProfile> nodes = new ArrayList<>();
        List<LinkProfile> links = new ArrayList<>();
        Set<String> nodeNames = new HashSet<>();
        Set<String> directions = new HashSet<>();
        Instant measuredAt = null;
        for (ClusterProfile part : parts) {
            for (NodeProfile node : part.nodes()) {
                if (!nodeNames.add(node.name())) {
                    throw new IllegalArgumentException("node " + node.name() + " appears in more than one profile");
                }
                if (node.gpus().isEmpty()) {
                    // The planner refuses such a profile (a node needs at least one GPU): say so before uploading.
                    throw new IllegalArgumentException(
                            "node " + node.name() + " has no GPUs (its agent found none): " + NO_GPUS_FIX);
                }
                nodes.add(node);
            }
            for (LinkProfile link : part.links()) {
                if (!directions.add(link.from() + "\u0000" + link.to())) {
                    throw new IllegalArgumentException(
                            "link " + link.from() + " -> " + link.to() + " appears in more than one profile");
                }
                links.add(link);
            }
            if (part.measuredAt() != null) {
                Instant partMeasuredAt = instant(part.measuredAt());
                if (measuredAt == null || partMeasuredAt.isAfter(measuredAt)) {
                    measuredAt = partMeasuredAt;
                }
            }
        }
        nodes.sort(Comparator.comparing(NodeProfile::name));
        links.sort(Comparator.comparing(LinkProfile::from).thenComparing(LinkProfile::to));
        DefaultLink defaultLink = parts.stream()
                .map(ClusterProfile::defaultLink)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
        return new ClusterProfile(
                clusterName, measuredAt == null ? null : measuredAt.toString(), nodes, links, defaultLink);
    }

    private static Instant instant(String measuredAt) {
        try {
            return Instant.parse(measuredAt);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "measuredAt is not an ISO-8601 instant (e.g. 2026-11-28T05:00:00Z): '" + measuredAt + "'");
        }
    }
}
