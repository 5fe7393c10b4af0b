package dev.trainingplanner.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.costmodel.layout.GradientCoding;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.engine.TestProblems;
import dev.trainingplanner.engine.bench.SyntheticClusters;
import dev.trainingplanner.engine.output.PlanDocuments;
import dev.trainingplanner.engine.profile.ClusterConverter;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ClusterProfile.IntraNodeProfile;
import dev.trainingplanner.profile.ClusterProfile.NodeProfile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Gradient coding and Ladder Residual react to stragglers and slow TP links, and only when allowed. */
class RefinementTest {

    private static SearchOptions zeroStageZero(boolean gradientCoding) {
        return zeroStageZero(gradientCoding, 8);
    }

    private static SearchOptions zeroStageZero(boolean gradientCoding, int maxMicroBatch) {
        return new SearchOptions(
                Set.of(0),
                false,
                false,
                0.05,
                gradientCoding,
                0.0,
                1,
                maxMicroBatch,
                Precision.BF16,
                1L,
                400,
                null,
                3,
                24);
    }

    private static PlanResult planWithStragglers(double probability, boolean allowed) {
        ProfiledCluster cluster = TestProblems.cluster(
                SyntheticClusters.Spec.healthy("s", 4, 8).withStragglers(probability > 0 ? 4 : 0, probability, 3.0));
        ModelSpec model = ModelPresets.byName("llama2-7b").withSequenceLength(4096);
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
        ModelSpec model = ModelPresets.byName("gpt3-1.3b").withSequenceLength(2048);

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
    void rareStragglersMakeASequentialCodeWorthItsSmallLoad() {
        // 16 single-GPU nodes slow 1% of the time at 3x. Uncoded: 1 + 2·(1 − 0.99^16) = 1.297; any repetition code
        // computes at least 2x. M-SGC with B = 1, W = 7, λ = 4 computes (λ+1)(W−1+B)/(B+(W−1)(λ+1)) = 35/31 of the
        // load and waits for everyone only when a 7-round window breaks the (1, 7, 4) model: 1.2078, the smallest
        // expected factor of the candidate grid whose delay W−2+B fits the 8 micro-batches of a step (cost-models.md
        // §8.2, §8.3). Micro-batches of one sequence give the 8 rounds a step needs.
        ProfiledCluster cluster = TestProblems.cluster(
                SyntheticClusters.Spec.healthy("single-gpu", 16, 1).withStragglers(16, 0.01, 3.0));
        ModelSpec model = ModelPresets.byName("gpt3-1.3b").withSequenceLength(2048);

        PlanResult coded = new Planner()
                .plan(new PlanRequest(cluster, model, 128, 16, Framework.MEGATRON, zeroStageZero(true, 1)));
        PlanResult uncoded = new Planner()
                .plan(new PlanRequest(cluster, model, 128, 16, Framework.MEGATRON, zeroStageZero(false, 1)));

        GradientCoding coding = coded.best().layout().gradientCoding();
        assertThat(coded.best().layout().dp()).isEqualTo(16);
        assertThat(coding).isEqualTo(GradientCoding.multiplexed(1, 7, 4));
        assertThat(coded.best().estimate().breakdown().stragglerSeconds())
                .isLessThan(uncoded.best().estimate().breakdown().stragglerSeconds());
        assertThat(PlanDocuments.from(coded).launch().trainingCodeChanges())
                .anyMatch(c -> c.startsWith("sequential gradient coding"));
    }

    @Test
    void aLargeVocabularyTakesLayersOffTheEndStages() {
        // Llama-3 70B's 128k-token output layer and loss run on the last stage (and the embedding on the first), so
        // with 4 stages the even split of 20 layers leaves those stages the slowest.
        ProfiledCluster cluster = TestProblems.cluster(SyntheticClusters.Spec.healthy("vocab", 8, 8));
        ModelSpec model = ModelPresets.byName("llama3-70b").withSequenceLength(8192);

        PlanResult result = new Planner()
                .plan(new PlanRequest(
                        cluster,
                        model,
                        256,
                        64,
                        Framework.MEGATRON,
                        SearchOptions.defaults().withSteps(300)));

        List<Integer> split = result.best().layout().stageLayerCounts();
        assertThat(split).hasSize(result.best().layout().pp());
        assertThat(split.stream().mapToInt(Integer::intValue).sum()).isEqualTo(80);
        int middle = split.get(1);
        assertThat(split.get(0)).isLessThan(middle);
        assertThat(split.get(split.size() - 1)).isLessThan(middle);
        assertThat(result.explanation().notes()).anyMatch(n -> n.startsWith("uneven pipeline split " + split));
        assertThat(PlanDocuments.from(result).launch().frameworkArguments())
                .containsEntry("--decoder-first-pipeline-num-layers", split.get(0))
                .containsEntry("--decoder-last-pipeline-num-layers", split.get(split.size() - 1));
    }

    @Test
    void ladderLayersGoToTheStagesOnNodesWithSlowTensorParallelLinks() {
        ProfiledCluster cluster = slowNvlinkCluster();
        ModelSpec model = ModelPresets.byName("llama2-13b").withSequenceLength(4096);
        SearchOptions options = SearchOptions.defaults().withLadder(0.5, false).withSteps(300);

        PlanResult result = new Planner().plan(new PlanRequest(cluster, model, 64, 32, Framework.MEGATRON, options));

        Layout layout = result.best().layout();
        assertThat(layout.ladderLayers()).isNotEmpty().hasSizeLessThanOrEqualTo(20);
        int ranksPerStage = layout.worldSize() / layout.pp();
        for (int ladderLayer : layout.ladderLayers()) {
            int stage = layout.stageOfLayer(ladderLayer, model.layers());
            String node = cluster.nodeName(result.best().estimate().placement().node(stage * ranksPerStage));
            assertThat(node).as("node of ladder layer " + ladderLayer).isIn("node-0", "node-1");
        }
    }

    @Test
    void noLadderWhenNotAllowed() {
        ProfiledCluster cluster = slowNvlinkCluster();
        ModelSpec model = ModelPresets.byName("llama2-13b").withSequenceLength(4096);
        SearchOptions options = SearchOptions.defaults().withSteps(300);

        PlanResult result = new Planner().plan(new PlanRequest(cluster, model, 64, 32, Framework.MEGATRON, options));

        assertThat(result.best().layout().ladderLayers()).isEmpty();
    }

    private static ProfiledCluster slowNvlinkCluster() {
        ClusterProfile base = SyntheticClusters.generate(SyntheticClusters.Spec.healthy("ladder", 4, 8));
        List<NodeProfile> nodes = new ArrayList<>();
        for (NodeProfile node : base.nodes()) {
            boolean slow = node.name().equals("node-0") || node.name().equals("node-1");
            nodes.add(new NodeProfile(
                    node.name(), node.gpus(), slow ? intraNode(8, 40.0) : null, null, null, node.nvlinkDomain()));
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
