package dev.trainingplanner.engine.profile;

import dev.trainingplanner.costmodel.cluster.Cluster;
import java.util.List;

/**
 * A cost-model {@link Cluster} built from a profile, with the names needed to report a plan in the profile's terms.
 *
 * @param nodeNames profile name of cluster node i
 * @param gpuIndexes {@code gpuIndexes[node][local]} is the profile GPU index of the cluster's local GPU
 * @param defaultsUsed every value that was not in the profile and came from the catalog, one line each
 * @param excluded nodes and GPUs of the profile left out of the cluster, with the reason
 */
public record ProfiledCluster(
        String name,
        Cluster cluster,
        List<String> nodeNames,
        int[][] gpuIndexes,
        List<String> defaultsUsed,
        List<String> excluded) {

    public String nodeName(int node) {
        return nodeNames.get(node);
    }

    public int profileGpuIndex(int node, int localGpu) {
        return gpuIndexes[node][localGpu];
    }
}
