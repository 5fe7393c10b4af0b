package dev.trainingplanner.api.profile;

import dev.trainingplanner.api.problem.ClientMistake;
import dev.trainingplanner.profile.ClusterProfile;

/**
 * How much one upload may hold, so that one request cannot occupy the service. The plausibility of every value (names,
 * memory, speeds, bandwidths, latencies, times) is the profile validator's ({@code ClusterProfileValidator}), the same
 * for the agent, the CLI and the API.
 */
final class PlausibilityLimits {

    static final int MAX_NODES_PER_UPLOAD = 10_000;
    static final int MAX_LINKS_PER_UPLOAD = 100_000;

    private PlausibilityLimits() {}

    static void check(ClusterProfile profile) {
        if (profile.nodes().size() > MAX_NODES_PER_UPLOAD) {
            throw ClientMistake.invalid("nodes", "at most " + MAX_NODES_PER_UPLOAD + " nodes per upload");
        }
        if (profile.links().size() > MAX_LINKS_PER_UPLOAD) {
            throw ClientMistake.invalid("links", "at most " + MAX_LINKS_PER_UPLOAD + " links per upload");
        }
    }
}
