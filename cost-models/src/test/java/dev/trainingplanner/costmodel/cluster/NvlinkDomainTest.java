package dev.trainingplanner.costmodel.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Nodes of one NVL72 rack share an NVLink domain; other nodes, and nodes without a domain, do not. */
class NvlinkDomainTest {

    private static final GpuType H100 = GpuCatalog.byName("H100-80GB");

    @Test
    void nodesShareADomainOnlyWhenTheyNameTheSameOne() {
        Cluster cluster = Cluster.builder(H100, 4, 4)
                .nvlinkDomain(0, "rack-a")
                .nvlinkDomain(1, " rack-a ")
                .nvlinkDomain(2, "rack-b")
                .build();

        assertThat(cluster.sameNvlinkDomain(0, 1)).isTrue();
        assertThat(cluster.sameNvlinkDomain(1, 2)).isFalse();
        assertThat(cluster.sameNvlinkDomain(2, 3)).isFalse();
        assertThat(cluster.sameNvlinkDomain(3, 3))
                .as("a node is its own domain")
                .isTrue();
        assertThat(cluster.nvlinkDomain(1)).isEqualTo("rack-a");
        assertThat(cluster.nvlinkDomain(3)).isNull();
    }

    @Test
    void toBuilderKeepsTheDomains() {
        Cluster cluster =
                Cluster.builder(H100, 2, 4).nvlinkDomain(0, "rack-a").nvlinkDomain(1, "rack-a").build().toBuilder()
                        .nvlinkDomain(1, "")
                        .build();

        assertThat(cluster.nvlinkDomain(0)).isEqualTo("rack-a");
        assertThat(cluster.sameNvlinkDomain(0, 1)).isFalse();
    }
}
