package dev.trainingplanner.agent.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileMergerTest {

    private static final Instant EARLY = Instant.parse("2026-11-28T05:00:00Z");
    private static final Instant LATE = Instant.parse("2026-11-28T05:01:00Z");

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
    void jsonRoundTripKeepsTheSharedKeysOnly() throws Exception {
        ClusterProfile profile = part("a", "b", EARLY);

        String json = ProfileJson.write(profile);

        assertThat(ProfileJson.read(json)).isEqualTo(profile);
        assertThat(json)
                .contains("\"bandwidthGbps\"", "\"p95BandwidthGbps\"", "\"latencyUs\"", "\"memoryBytes\"", "\"source\"")
                .doesNotContain("null");
    }

    private static ClusterProfile part(String node, String peer, Instant at) {
        return new ClusterProfile(
                "c",
                at,
                List.of(new NodeProfile(
                        node,
                        List.of(new GpuProfile(0, "A100-80GB", 85899345920L, 0L, null, null, "measured")),
                        null,
                        new ComputeStats(1.0, 0.0, 1.0),
                        at)),
                List.of(new LinkProfile(node, peer, 0.1, 20.0, 0.09, 30.0, at)),
                null);
    }
}
