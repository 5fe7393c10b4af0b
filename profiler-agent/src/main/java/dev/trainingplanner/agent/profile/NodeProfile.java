package dev.trainingplanner.agent.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** One node: its GPUs, their intra-node links and the node's compute (straggler) statistics. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeProfile(
        String name, List<GpuProfile> gpus, IntraNode intraNode, ComputeStats compute, Instant measuredAt) {

    public NodeProfile {
        gpus = gpus == null ? List.of() : List.copyOf(gpus);
    }
}
