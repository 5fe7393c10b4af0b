package dev.trainingplanner.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.engine.TestProblems;
import dev.trainingplanner.engine.bench.SyntheticClusters;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ClusterProfile.NodeProfile;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Planning mixture-of-experts models: expert parallelism found, fitted in memory, and kept inside NVLink domains. */
class MixtureOfExpertsPlanTest {

    private static final int TRAYS = 72;
    private static final int TRAYS_PER_DOMAIN = 18;

    @Test
    void deepSeekV3On1024H100sPlansExpertParallelismThatFitsInMemory() {
        ProfiledCluster cluster = TestProblems.cluster(SyntheticClusters.Spec.healthy("h100", 128, 8));

        PlanResult result = new Planner().plan(TestProblems.request(cluster, "deepseek-v3", 4096, 4096, 1024));

        assertThat(result.feasible()).as(result.explanation().summary()).isTrue();
        Layout layout = result.best().layout();
        assertThat(layout.ep()).isGreaterThan(1);
        assertThat(256 % layout.ep()).isZero();
        assertThat(result.best().estimate().fits(SearchOptions.defaults().headroomFraction()))
                .isTrue();
        assertThat(result.best().estimate().breakdown().exposedExpertAllToAllSeconds())
                .isGreaterThan(0);
        assertThat(result.explanation().notes()).anyMatch(n -> n.startsWith("MoE: " + 256 / layout.ep() + " of 256"));
    }

    @Test
    void qwen3On256Gb200GpusKeepsEveryExpertGroupInsideOneNvl72Domain() {
        ProfiledCluster cluster = TestProblems.convert(gb200Trays(true));

        PlanResult result = new Planner().plan(TestProblems.request(cluster, "qwen3-235b-a22b", 4096, 1024, 256));

        assertThat(result.feasible()).as(result.explanation().summary()).isTrue();
        Layout layout = result.best().layout();
        assertThat(layout.ep()).isGreaterThan(1);
        Placement placement = result.best().estimate().placement();
        List<int[]> groups = ExpertGroups.of(layout);
        assertThat(groups).isNotEmpty().allSatisfy(group -> {
            String domain = cluster.cluster().nvlinkDomain(placement.node(group[0]));
            for (int rank : group) {
                assertThat(cluster.cluster().nvlinkDomain(placement.node(rank)))
                        .as("rank %d of an EP group of %s", rank, layout)
                        .isEqualTo(domain);
            }
        });
        assertThat(result.explanation().notes())
                .anyMatch(n -> n.contains("inside one NVLink domain") || n.contains("inside one node"));
    }

    @Test
    void theSameJobWithoutNvlinkDomainsPaysNetworkAllToAllAndTheExplanationSaysSo() {
        PlanResult racks = new Planner()
                .plan(TestProblems.request(TestProblems.convert(gb200Trays(true)), "qwen3-235b-a22b", 4096, 1024, 256));
        int ep = racks.best().layout().ep();
        assertThat(ep * racks.best().layout().etp()).as("EP groups span trays").isGreaterThan(4);
        PlanRequest sameJob =
                TestProblems.request(TestProblems.convert(gb200Trays(false)), "qwen3-235b-a22b", 4096, 1024, 256);

        PlanResult trays = new Planner()
                .plan(new PlanRequest(
                        sameJob.cluster(),
                        sameJob.model(),
                        sameJob.globalBatchSequences(),
                        sameJob.gpus(),
                        sameJob.framework(),
                        sameJob.options().withExpertParallelSizes(Set.of(ep))));

        assertThat(trays.feasible()).as(trays.explanation().summary()).isTrue();
        assertThat(trays.best().layout().ep()).isEqualTo(ep);
        assertThat(trays.best().estimate().breakdown().exposedExpertAllToAllSeconds())
                .isGreaterThan(racks.best().estimate().breakdown().exposedExpertAllToAllSeconds());
        assertThat(trays.explanation().notes()).anyMatch(n -> n.contains("all-to-all crosses the network"));
        assertThat(racks.explanation().notes()).noneMatch(n -> n.contains("crosses the network"));
    }

    /** 72 GB200 trays of 4 GPUs; with domains, four NVL72 racks of 18 trays each. */
    private static ClusterProfile gb200Trays(boolean withDomains) {
        ClusterProfile base = SyntheticClusters.generate(new SyntheticClusters.Spec(
                withDomains ? "gb200-nvl72" : "gb200-trays", TRAYS, 4, "GB200-186GB", 0, 1.0, 0.0, 1.0, 0, 0, 1, 1L));
        List<NodeProfile> nodes = base.nodes().stream()
                .map(n -> new NodeProfile(
                        n.name(),
                        n.gpus(),
                        n.intraNode(),
                        n.compute(),
                        n.measuredAt(),
                        withDomains ? "nvl72-" + index(n) / TRAYS_PER_DOMAIN : null))
                .toList();
        return new ClusterProfile(base.name(), null, nodes, base.links(), base.defaultLink());
    }

    private static int index(NodeProfile node) {
        return Integer.parseInt(node.name().substring("node-".length()));
    }
}
