package dev.trainingplanner.api.planning;

import dev.trainingplanner.api.problem.ClientMistake;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts a rank list in the profile's terms (node name, GPU index) into the cost model's {@link Placement}: ranks
 * come in consecutive blocks of g on one node each (torchrun numbering), as the launch artifacts require.
 */
public final class RankOrders {

    private RankOrders() {}

    public static Placement toPlacement(ProfiledCluster cluster, List<LaunchPlan.RankPlacement> ranks, String field) {
        if (ranks.isEmpty()) {
            throw ClientMistake.invalid(field, field + " is empty");
        }
        Map<String, Integer> nodeIndex = new HashMap<>();
        for (int i = 0; i < cluster.nodeNames().size(); i++) {
            nodeIndex.put(cluster.nodeName(i), i);
        }
        String firstNode = ranks.get(0).node();
        int g = 0;
        while (g < ranks.size() && ranks.get(g).node().equals(firstNode)) {
            g++;
        }
        if (ranks.size() % g != 0) {
            throw ClientMistake.invalid(
                    field, field + ": every node must run the same number of consecutive ranks (" + g + ")");
        }
        int slots = ranks.size() / g;
        int[] nodeOrder = new int[slots];
        int[][] gpuOrder = new int[slots][g];
        for (int r = 0; r < ranks.size(); r++) {
            LaunchPlan.RankPlacement rank = ranks.get(r);
            String where = field + "[" + r + "]";
            if (rank.rank() != r) {
                throw ClientMistake.invalid(where + ".rank", where + ": ranks must be listed in order 0..n-1");
            }
            Integer node = nodeIndex.get(rank.node());
            if (node == null) {
                throw new ClientMistake(
                        org.springframework.http.HttpStatus.UNPROCESSABLE_ENTITY,
                        where + ".node",
                        where + " refers to node '" + rank.node() + "', which the cluster's profile does not have"
                                + " (or which was excluded)");
            }
            int slot = r / g;
            if (r % g == 0) {
                nodeOrder[slot] = node;
            } else if (nodeOrder[slot] != node) {
                throw ClientMistake.invalid(
                        where + ".node",
                        where + ": ranks " + slot * g + ".." + (slot * g + g - 1) + " must share a node");
            }
            gpuOrder[slot][r % g] = localGpu(cluster, node, rank.gpu(), where);
        }
        try {
            return Placement.of(nodeOrder, gpuOrder);
        } catch (RuntimeException invalid) {
            throw ClientMistake.invalid(field, field + ": " + invalid.getMessage());
        }
    }

    private static int localGpu(ProfiledCluster cluster, int node, int profileGpu, String where) {
        int[] indexes = cluster.gpuIndexes()[node];
        for (int local = 0; local < indexes.length; local++) {
            if (indexes[local] == profileGpu) {
                return local;
            }
        }
        throw new ClientMistake(
                org.springframework.http.HttpStatus.UNPROCESSABLE_ENTITY,
                where + ".gpu",
                where + " refers to GPU " + profileGpu + " of node '" + cluster.nodeName(node)
                        + "', which the profile does not have (or which was excluded)");
    }
}
