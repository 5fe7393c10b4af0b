package dev.trainingplanner.agent.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A (partial) cluster profile in the shared profile format: the nodes and the links this agent
 * measured. Keys match the contract exactly because the planner rejects unknown keys.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterProfile(
        String name, Instant measuredAt, List<NodeProfile> nodes, List<LinkProfile> links, DefaultLink defaultLink) {

    public ClusterProfile {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        links = links == null ? List.of() : List.copyOf(links);
    }
}
