package dev.trainingplanner.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.engine.TestProblems;
import dev.trainingplanner.engine.bench.SyntheticClusters;
import dev.trainingplanner.engine.profile.ClusterConverter;
import dev.trainingplanner.engine.profile.ClusterProfile;
import dev.trainingplanner.engine.profile.ClusterProfile.IntraNodeProfile;
import dev.trainingplanner.engine.profile.ClusterProfile.NodeProfile;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Gradient coding and Ladder Residual react to stragglers and slow TP links, and only when allowed. */
class RefinementTest {

    private static SearchOptions zeroStageZero(boolean gradientCoding) {
        return new SearchOptions(
                Set.of(0), false, false, 0.05, gradientCoding, 0.0, 1, 8, Precision.BF16, 1L, 400, null, 3, 24);
    }

    private static PlanResult planWithStragglers(double probability, boolean allowed) {
        ProfiledCluster cluster = TestProblems.cluster(
                SyntheticClusters.Spec.healthy("s", 4, 8).withStragglers(probability > 0 ? 4 : 0, probability, 3.0));
        ModelSpec model = ModelSpecs.withSequenceLength(ModelPresets.byName("llama2-7b"), 4096);
        return new Planner().plan(new PlanRequest(cluster, model, 128, 32, Framework.MEGATRON, zeroStageZero(allowed)));
    }

    @Test
    void noGradientCodingWithoutStragglersOrWithoutPermission() {
        assertThat(planWithStragglers(0.0, true)
                        .best()
                        .layout()
                        .gradientCoding()
                        .isNone())
                .isTrue();
        assertThat(planWithStragglers(0.3, false)
                        .best()
                        .layout()
                        .gradientCoding()
                        .isNone())
                .isTrue();
    }

    @Test
    void gradientCodingIsChosenWhenItLowersTheExpectedStragglerTime() {
        PlanResult uncoded = planWithStragglers(0.3, false);
        PlanResult coded = planWithStragglers(0.3, true);

        Layout layout = coded.best().layout();
        if (!layout.gradientCoding().isNone()) {
            assertThat(coded.best().estimate().iterationTimeSeconds())
                    .isLessThan(uncoded.best().estimate().iterationTimeSeconds());
            assertThat(coded.explanation().notes()).anyMatch(n -> n.startsWith("gradient coding "));
        } else {
            assertThat(coded.explanation().notes()).anyMatch(n -> n.contains("none is predicted faster"));
        }
        assertThat(coded.best().estimate().iterationTimeSeconds())
                .isLessThanOrEqualTo(uncoded.best().estimate().iterationTimeSeconds());
    }

    @Test
    void codingFollowsTheExpectedTimeFormulasWhenEveryReplicaHasItsOwnNode() {
        // 16 single-GPU nodes, each slow 10% of the time at 3x: with one replica per node the replicas are the
        // independent workers of cost-models.md §8.3 (a). Uncoded 1 + 2·(1 − 0.9^16) = 2.63; fractional repetition
        // s = 1: 2·(1 + 2·(1 − (1 − 0.01)^8)) = 2.31; s = 3 and cyclic repetition cost more.
        ProfiledCluster cluster = TestProblems.cluster(
                SyntheticClusters.Spec.healthy("single-gpu", 16, 1).withStragglers(16, 0.1, 3.0));
        ModelSpec model = ModelSpecs.withSequenceLength(ModelPresets.byName("gpt3-1.3b"), 2048);

        PlanResult coded =
                new Planner().plan(new PlanRequest(cluster, model, 128, 16, Framework.MEGATRON, zeroStageZero(true)));
        PlanResult uncoded =
                new Planner().plan(new PlanRequest(cluster, model, 128, 16, Framework.MEGATRON, zeroStageZero(false)));

        Layout layout = coded.best().layout();
        assertThat(layout.dp()).isEqualTo(16);
        assertThat(layout.gradientCoding().scheme())
                .isEqualTo(dev.trainingplanner.costmodel.layout.GradientCoding.Scheme.FRACTIONAL_REPETITION);
        assertThat(layout.gradientCoding().stragglersTolerated()).isEqualTo(1);
        assertThat(coded.best().estimate().iterationTimeSeconds())
                .isLessThan(uncoded.best().estimate().iterationTimeSeconds());
    }

    @Test
    void ladderLayersGoToTheStagesOnNodesWithSlowTensorParallelLinks() {
        ProfiledCluster cluster = slowNvlinkCluster();
        ModelSpec model = ModelSpecs.withSequenceLength(ModelPresets.byName("llama2-13b"), 4096);
        SearchOptions options = SearchOptions.defaults().withLadder(0.5, false).withSteps(300);

        PlanResult result = new Planner().plan(new PlanRequest(cluster, model, 64, 32, Framework.MEGATRON, options));

        Layout layout = result.best().layout();
        assertThat(layout.ladderLayers()).isNotEmpty().hasSizeLessThanOrEqualTo(20);
        int perStage = model.layers() / layout.pp();
        int ranksPerStage = layout.worldSize() / layout.pp();
        for (int ladderLayer : layout.ladderLayers()) {
            int stage = ladderLayer / perStage;
            String node = cluster.nodeName(result.best().estimate().placement().node(stage * ranksPerStage));
            assertThat(node).as("node of ladder layer " + ladderLayer).isIn("node-0", "node-1");
        }
    }

    @Test
    void noLadderWhenNotAllowed() {
        ProfiledCluster cluster = slowNvlinkCluster();
        ModelSpec model = ModelSpecs.withSequenceLength(ModelPresets.byName("llama2-13b"), 4096);
        SearchOptions options = SearchOptions.defaults().withSteps(300);

        PlanResult result = new Planner().plan(new PlanRequest(cluster, model, 64, 32, Framework.MEGATRON, options));

        assertThat(result.best().layout().ladderLayers()).isEmpty();
    }

    private static ProfiledCluster slowNvlinkCluster() {
        ClusterProfile base = SyntheticClusters.generate(SyntheticClusters.Spec.healthy("ladder", 4, 8));
        List<NodeProfile> nodes = new ArrayList<>();
        for (NodeProfile node : base.nodes()) {
            boolean slow = node.name().equals("node-0") || node.name().equals("node-1");
            nodes.add(new NodeProfile(node.name(), node.gpus(), slow ? intraNode(8, 40.0) : null, null, null));
        }
        return new ClusterConverter()
                .convert(
                        new ClusterProfile("ladder", null, nodes, base.links(), base.defaultLink()),
                        Set.of(),
                        Set.of());
    }

    private static IntraNodeProfile intraNode(int gpus, double gigabytesPerSecond) {
        List<List<Double>> rows = new ArrayList<>();
        for (int a = 0; a < gpus; a++) {
            List<Double> row = new ArrayList<>(Collections.nCopies(gpus, gigabytesPerSecond));
            row.set(a, 0.0);
            rows.add(row);
        }
        return new IntraNodeProfile(rows, null, null);
    }
}
