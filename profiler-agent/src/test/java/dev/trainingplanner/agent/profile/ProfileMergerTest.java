package dev.trainingplanner.agent.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ClusterProfile.ComputeStatistics;
import dev.trainingplanner.profile.ClusterProfile.GpuProfile;
import dev.trainingplanner.profile.ClusterProfile.LinkProfile;
import dev.trainingplanner.profile.ClusterProfile.NodeProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileMergerTest {

    private static final String EARLY = "2026-11-28T05:00:00Z";
    private static final String LATE = "2026-11-28T05:01:00Z";

    @Test
    void nodesAndLinksOfAllAgentsAreJoined() {
        ClusterProfile merged = ProfileMerger.merge("c", List.of(part("b", "a", LATE), part("a", "b", EARLY)));

        assertThat(merged.name()).isEqualTo("c");
        assertThat(merged.measuredAt()).isEqualTo(LATE);
        assertThat(merged.nodes()).extracting(NodeProfile::name).containsExactly("a", "b");
        assertThat(merged.links()).extracting(LinkProfile::from).containsExactly("a", "b");
    }

    @Test
    void duplicatesAreRejected() {
        assertThatThrownBy(() -> ProfileMerger.merge("c", List.of(part("a", "b", EARLY), part("a", "c", EARLY))))
                .hasMessage("node a appears in more than one profile");
        assertThatThrownBy(() -> ProfileMerger.merge("c", List.of())).hasMessageContaining("nothing to merge");
    }

    @Test
    void theNewestPartGivesTheClusterItsTimeAndAnUnparsableOneIsNamed() {
        ClusterProfile merged = ProfileMerger.merge(
                "c", List.of(part("a", "b", "2026-11-28T06:00:00.5Z"), part("b", "a", "2026-11-28T05:59:59Z")));
        assertThat(merged.measuredAt()).isEqualTo("2026-11-28T06:00:00.500Z");

        assertThatThrownBy(() -> ProfileMerger.merge("c", List.of(part("a", "b", "yesterday"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("measuredAt is not an ISO-8601 instant (e.g. 2026-11-28T05:00:00Z): 'yesterday'");
    }

    private static ClusterProfile part(String node, String peer, String at) {
        return new ClusterProfile(
                "c",
                at,
                List.of(new NodeProfile(
                        node,
                        List.of(new GpuProfile(0, "A100-80GB", 85899345920L, 0L, null, null, GpuProfile.MEASURED)),
                        null,
                        new ComputeStatistics(1.0, 0.0, 1.0, ComputeStatistics.GPU_COMMAND),
                        at,
                        null)),
                List.of(new LinkProfile(node, peer, 0.1, 20.0, 0.09, 30.0, at)),
                null);
    }
}
