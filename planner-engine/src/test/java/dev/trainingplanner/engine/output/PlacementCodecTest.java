package dev.trainingplanner.engine.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.engine.bench.SyntheticClusters;
import dev.trainingplanner.engine.output.InvalidPlacementException.Reason;
import dev.trainingplanner.engine.output.PlanDocument.RankPlacement;
import dev.trainingplanner.engine.profile.ClusterConverter;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The node order and every node's GPU order survive the plan document, in the profile's names and GPU indexes. */
class PlacementCodecTest {

    /**
     * Three nodes of 8 GPUs; GPU 0 of the second is excluded, so its local GPU i is profile GPU i+1 (and every node uses
     * 7).
     */
    private static final ProfiledCluster CLUSTER = new ClusterConverter()
            .convert(
                    SyntheticClusters.generate(SyntheticClusters.Spec.healthy("codec", 3, 8)),
                    Set.of(),
                    Set.of(SyntheticClusters.nodeName(1) + ":0"));

    private static final Layout LAYOUT = Layout.builder().tp(2).pp(3).dp(2).build();

    @Test
    void aPermutedPlacementReadsBackAsItWasWritten() {
        Placement placement = Placement.of(new int[] {2, 0, 1}, new int[][] {{3, 1, 0, 2}, {6, 5, 4, 3}, {6, 0, 2, 4}});

        List<RankPlacement> ranks = PlacementCodec.ranks(placement, LAYOUT, CLUSTER);

        assertThat(ranks.get(4)).isEqualTo(new RankPlacement(4, SyntheticClusters.nodeName(0), 6, 0, 0, 0, 1));
        assertThat(ranks.get(8).gpu())
                .as("local GPU 6 of the node without GPU 0")
                .isEqualTo(7);
        List<RankPlacement> stored = PlanDocuments.read(PlanDocuments.toJson(
                        new PlanDocument("FEASIBLE", null, null, ranks, null, List.of(), null, null, null, null)))
                .placement();
        assertThat(stored).isEqualTo(ranks);
        assertThat(PlacementCodec.placement(PlacementCodec.locations(stored), CLUSTER, "placement"))
                .isEqualTo(placement);
    }

    @Test
    void aRankListThatNamesNoPlacementSaysWhereAndWhy() {
        List<RankLocation> unordered = new ArrayList<>(locations(8, 4));
        unordered.set(
                5, new RankLocation(6, unordered.get(5).node(), unordered.get(5).gpu()));
        List<RankLocation> ghost = new ArrayList<>(locations(8, 4));
        ghost.set(4, new RankLocation(4, "ghost", 0));
        ghost.set(5, new RankLocation(5, "ghost", 1));
        ghost.set(6, new RankLocation(6, "ghost", 2));
        ghost.set(7, new RankLocation(7, "ghost", 3));
        List<RankLocation> excludedGpu = locations(8, 4).stream()
                .map(r -> r.rank() < 4 ? new RankLocation(r.rank(), SyntheticClusters.nodeName(1), r.gpu()) : r)
                .toList();

        assertThatThrownBy(() -> PlacementCodec.placement(List.of(), CLUSTER, "placement"))
                .isInstanceOfSatisfying(InvalidPlacementException.class, e -> {
                    assertThat(e.field()).isEqualTo("placement");
                    assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
                });
        assertThatThrownBy(() -> PlacementCodec.placement(unordered, CLUSTER, "placement"))
                .hasMessage("placement[5]: ranks must be listed in order 0..n-1")
                .isInstanceOfSatisfying(InvalidPlacementException.class, e -> assertThat(e.field())
                        .isEqualTo("placement[5].rank"));
        assertThatThrownBy(() -> PlacementCodec.placement(ghost, CLUSTER, "placement"))
                .isInstanceOfSatisfying(InvalidPlacementException.class, e -> {
                    assertThat(e.field()).isEqualTo("placement[4].node");
                    assertThat(e.reason()).isEqualTo(Reason.NOT_IN_PROFILE);
                });
        assertThatThrownBy(() -> PlacementCodec.placement(excludedGpu, CLUSTER, "placement"))
                .hasMessageContaining("refers to GPU 0 of node '" + SyntheticClusters.nodeName(1) + "'")
                .isInstanceOfSatisfying(InvalidPlacementException.class, e -> assertThat(e.field())
                        .isEqualTo("placement[0].gpu"));
    }

    /** Ranks packed on the first nodes, g per node, GPUs in profile order. */
    private static List<RankLocation> locations(int ranks, int g) {
        List<RankLocation> list = new ArrayList<>();
        for (int r = 0; r < ranks; r++) {
            list.add(new RankLocation(r, SyntheticClusters.nodeName(r / g), r % g));
        }
        return list;
    }
}
