package dev.trainingplanner.engine.output;

import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.placement.RankCoordinates;
import dev.trainingplanner.engine.output.InvalidPlacementException.Reason;
import dev.trainingplanner.engine.output.PlanDocument.RankPlacement;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The plan document's {@code placement} and the cost model's {@link Placement}, both ways. The document names nodes
 * and GPUs as the profile does, so reading it back needs the cluster (built from a profile with the same node names
 * and GPU indexes); the node order and every node's GPU order survive the round trip.
 */
public final class PlacementCodec {

    private PlacementCodec() {}

    /** One entry per rank: its node and profile GPU index with its parallel coordinates under {@code layout}. */
    public static List<RankPlacement> ranks(Placement placement, Layout layout, ProfiledCluster cluster) {
        List<RankPlacement> ranks = new ArrayList<>(placement.worldSize());
        for (int rank = 0; rank < placement.worldSize(); rank++) {
            int node = placement.node(rank);
            RankCoordinates c = RankCoordinates.of(rank, layout);
            ranks.add(new RankPlacement(
                    rank,
                    cluster.nodeName(node),
                    cluster.profileGpuIndex(node, placement.localGpu(rank)),
                    c.tensor(),
                    c.context(),
                    c.data(),
                    c.pipeline()));
        }
        return ranks;
    }

    /** Where every rank runs, as given. */
    public static List<RankLocation> locations(List<RankPlacement> ranks) {
        return ranks.stream().map(RankPlacement::location).toList();
    }

    /**
     * The placement of a rank list on {@code cluster}; {@code field} names the list in the error of a list that is
     * malformed or names a node or GPU the cluster does not have.
     */
    public static Placement placement(List<RankLocation> ranks, ProfiledCluster cluster, String field) {
        List<RankBlocks.Block> blocks = RankBlocks.of(ranks, field);
        Map<String, Integer> nodeIndex = new HashMap<>();
        for (int i = 0; i < cluster.nodeNames().size(); i++) {
            nodeIndex.put(cluster.nodeName(i), i);
        }
        int g = blocks.get(0).gpus().size();
        int[] nodeOrder = new int[blocks.size()];
        int[][] gpuOrder = new int[blocks.size()][g];
        for (int slot = 0; slot < blocks.size(); slot++) {
            RankBlocks.Block block = blocks.get(slot);
            Integer node = nodeIndex.get(block.node());
            if (node == null) {
                String where = field + "[" + slot * g + "]";
                throw new InvalidPlacementException(
                        where + ".node",
                        Reason.NOT_IN_PROFILE,
                        where + " refers to node '" + block.node() + "', which the cluster's profile does not have"
                                + " (or which was excluded)");
            }
            nodeOrder[slot] = node;
            for (int local = 0; local < g; local++) {
                gpuOrder[slot][local] =
                        localGpu(cluster, node, block.gpus().get(local), field + "[" + (slot * g + local) + "]");
            }
        }
        try {
            return Placement.of(nodeOrder, gpuOrder);
        } catch (RuntimeException invalid) {
            throw RankBlocks.malformed(field, field + ": " + invalid.getMessage());
        }
    }

    private static int localGpu(ProfiledCluster cluster, int node, int profileGpu, String where) {
        int[] indexes = cluster.gpuIndexes()[node];
        for (int local = 0; local < indexes.length; local++) {
            if (indexes[local] == profileGpu) {
                return local;
            }
        }
        throw new InvalidPlacementException(
                where + ".gpu",
                Reason.NOT_IN_PROFILE,
                where + " refers to GPU " + profileGpu + " of node '" + cluster.nodeName(node)
                        + "', which the profile does not have (or which was excluded)");
    }
}
