package dev.trainingplanner.engine.output;

import dev.trainingplanner.engine.output.InvalidPlacementException.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * A rank list in torchrun numbering read as nodes: ranks listed in order 0..n-1, in consecutive blocks of g ranks that
 * share one node (global rank {@code nodeRank·g + localRank}).
 */
final class RankBlocks {

    private RankBlocks() {}

    /** One node of the list: its name and, per local rank, the profile index of the GPU it uses. */
    record Block(String node, List<Integer> gpus) {}

    /** The blocks in node-rank order; {@code field} names the list in error messages. */
    static List<Block> of(List<RankLocation> ranks, String field) {
        if (ranks == null || ranks.isEmpty()) {
            throw malformed(field, field + " is empty");
        }
        String firstNode = ranks.get(0).node();
        int g = 0;
        while (g < ranks.size() && ranks.get(g).node().equals(firstNode)) {
            g++;
        }
        if (ranks.size() % g != 0) {
            throw malformed(field, field + ": every node must run the same number of consecutive ranks (" + g + ")");
        }
        List<Block> blocks = new ArrayList<>(ranks.size() / g);
        for (int r = 0; r < ranks.size(); r++) {
            RankLocation rank = ranks.get(r);
            String where = field + "[" + r + "]";
            if (rank.rank() != r) {
                throw malformed(where + ".rank", where + ": ranks must be listed in order 0..n-1");
            }
            int slot = r / g;
            if (r % g == 0) {
                blocks.add(new Block(rank.node(), new ArrayList<>(g)));
            } else if (!blocks.get(slot).node().equals(rank.node())) {
                throw malformed(
                        where + ".node",
                        where + ": ranks " + slot * g + ".." + (slot * g + g - 1) + " must share a node");
            }
            blocks.get(slot).gpus().add(rank.gpu());
        }
        return blocks.stream()
                .map(b -> new Block(b.node(), List.copyOf(b.gpus())))
                .toList();
    }

    static InvalidPlacementException malformed(String field, String message) {
        return new InvalidPlacementException(field, Reason.MALFORMED, message);
    }
}
