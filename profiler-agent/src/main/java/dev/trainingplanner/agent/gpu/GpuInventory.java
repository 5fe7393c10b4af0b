package dev.trainingplanner.agent.gpu;

import dev.trainingplanner.profile.ClusterProfile.GpuProfile;
import dev.trainingplanner.profile.ClusterProfile.IntraNodeProfile;
import java.util.List;

/**
 * The GPUs of this node, their intra-node links where measured, and notes on what could not be read.
 *
 * @param declaredNvlinkDomain the NVLink domain an operator declared for the node ({@code --gpus-file}), or null
 */
public record GpuInventory(
        List<GpuProfile> gpus, IntraNodeProfile intraNode, List<String> notes, String declaredNvlinkDomain) {

    public GpuInventory {
        gpus = List.copyOf(gpus);
        notes = List.copyOf(notes);
    }

    public static GpuInventory none(String why) {
        return new GpuInventory(List.of(), null, List.of(why), null);
    }
}
