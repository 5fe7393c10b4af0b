package dev.trainingplanner.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.engine.TestProblems;
import dev.trainingplanner.engine.bench.SyntheticClusters;
import dev.trainingplanner.engine.output.PlanDocuments;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlannerTest {

    private static final ProfiledCluster DEGRADED =
            TestProblems.cluster(SyntheticClusters.Spec.degraded("d", 6, 8, 1, 3));

    @Test
    void sameSeedAndStepsGiveTheSamePlan() {
        PlanRequest request = withOptions(
                TestProblems.request(DEGRADED, "llama2-7b", 4096, 256, 32),
                SearchOptions.defaults().withSteps(300).withSeed(42));

        PlanResult first = new Planner().plan(request);
        PlanResult second = new Planner().plan(request);

        assertThat(second.best().layout()).isEqualTo(first.best().layout());
        assertThat(second.best().estimate().placement())
                .isEqualTo(first.best().estimate().placement());
        assertThat(second.best().estimate().iterationTimeSeconds())
                .isEqualTo(first.best().estimate().iterationTimeSeconds());
    }

    @Test
    void planIsNeverSlowerThanTheBestDefaultPlacementAndLeavesTheSlowNodeIdle() {
        PlanResult result = new Planner().plan(TestProblems.request(DEGRADED, "llama2-7b", 4096, 256, 32));

        assertThat(result.feasible()).isTrue();
        assertThat(result.best().estimate().iterationTimeSeconds())
                .isLessThanOrEqualTo(result.statistics().defaultPlacementBestSeconds());
        assertThat(result.best().estimate().fits(0.05)).isTrue();
        assertThat(result.explanation().notes()).anyMatch(n -> n.contains("nodes left idle"));
        assertThat(result.alternatives()).isNotEmpty().allSatisfy(a -> assertThat(a.describe())
                .isNotEqualTo(result.best().describe()));
        assertThat(result.alternatives())
                .allSatisfy(a -> assertThat(a.estimate().iterationTimeSeconds())
                        .isGreaterThanOrEqualTo(result.best().estimate().iterationTimeSeconds()));
        assertThat(PlanDocuments.toJson(PlanDocuments.from(result)))
                .contains("\"layout\"", "\"placement\"", "\"estimate\"", "\"alternatives\"", "\"explanation\"");
    }

    @Test
    void llama405bOnSixteenThousandGpusPlansADeepPipelineWithAnUnevenSplit() {
        // Llama 3.1 405B was trained on 16,384 H100s with TP 8, PP 16, DP 128 and 126 layers split unevenly. With
        // only divisors of 126 as pipeline depths (pp 1 or 2 among the powers of two) no layout fits in memory.
        ProfiledCluster cluster = TestProblems.cluster(SyntheticClusters.Spec.healthy("llama405b", 2048, 8));
        PlanResult result = new Planner()
                .plan(withOptions(
                        TestProblems.request(cluster, "llama3.1-405b", 8192, 2048, 16384),
                        SearchOptions.defaults().withSteps(200).withSeed(1)));

        assertThat(result.feasible()).isTrue();
        assertThat(result.best().layout().pp()).isGreaterThanOrEqualTo(8);
        assertThat(result.best().layout().stageLayerCounts())
                .hasSize(result.best().layout().pp());
        assertThat(Arrays.stream(result.best().layout().layersPerStage(126))
                        .distinct()
                        .count())
                .isGreaterThan(1);
    }

    @Test
    void theSearchReportsEachBetterPlanWhileItRuns() {
        List<SearchProgress> reported = new java.util.ArrayList<>();

        PlanResult result = new Planner()
                .plan(
                        withOptions(
                                TestProblems.request(DEGRADED, "llama2-7b", 4096, 256, 32),
                                SearchOptions.defaults().withSteps(300)),
                        reported::add);

        assertThat(reported).isNotEmpty();
        List<SearchProgress> fitting =
                reported.stream().filter(SearchProgress::fitsMemory).toList();
        assertThat(fitting).isNotEmpty();
        for (int i = 1; i < fitting.size(); i++) {
            assertThat(fitting.get(i).predictedIterationSeconds())
                    .isLessThanOrEqualTo(fitting.get(i - 1).predictedIterationSeconds());
        }
        // Refinements after the search (GPU order, coding, ladder) only keep changes that are predicted faster; the
        // search's score counts whole microseconds.
        assertThat(result.best().estimate().iterationTimeSeconds())
                .isLessThanOrEqualTo(fitting.get(fitting.size() - 1).predictedIterationSeconds() + 1e-6);
        assertThat(fitting.get(fitting.size() - 1).layout()).isNotBlank();
    }

    @Test
    void aSearchInterruptedBeforeItsFirstPlanSaysSo() {
        PlanRequest request = withOptions(
                TestProblems.request(DEGRADED, "llama2-7b", 4096, 256, 32),
                SearchOptions.defaults().withSteps(300));
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> new Planner().plan(request))
                    .isInstanceOf(SearchStoppedException.class)
                    .hasMessage("the solve was stopped during layout screening, before it had a plan");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void modelTooLargeForTheGpusIsExplainedWithTheMemoryNumbers() {
        ProfiledCluster one = TestProblems.cluster(SyntheticClusters.Spec.healthy("one", 1, 8));
        PlanResult result = new Planner().plan(TestProblems.request(one, "llama3.1-405b", 8192, 16, 8));

        assertThat(result.feasible()).isFalse();
        assertThat(result.best()).isNull();
        assertThat(result.explanation().infeasibility().get(0))
                .startsWith("out of memory: the smallest per-GPU memory any layout needs is")
                .contains("but the GPUs allow 75.7 GiB (79.6 GiB usable less 5% headroom)");
        assertThat(result.explanation().summary()).startsWith("no plan fits: out of memory");
    }

    @Test
    void aBatchOnlyOneReplicaCanTakeIsPlannedWithAPipelineOverTheRemainingGpus() {
        // Global batch 7 on 24 GPUs allows only dp 1, so tp·pp·cp = 24 and pp is 3 or more, none of which divides
        // llama2-7b's 32 layers: an uneven split is the only way to run it.
        ProfiledCluster three = TestProblems.cluster(SyntheticClusters.Spec.healthy("three", 3, 8));
        PlanResult result = new Planner().plan(TestProblems.request(three, "llama2-7b", 4096, 7, 24));

        assertThat(result.feasible()).isTrue();
        assertThat(result.best().layout().dp()).isEqualTo(1);
        assertThat(result.best().layout().stageLayerCounts())
                .hasSize(result.best().layout().pp());
    }

    @Test
    void gpuCountThatIsNotWholeNodesIsRejected() {
        assertThatThrownBy(() -> new Planner().plan(TestProblems.request(DEGRADED, "llama2-7b", 4096, 256, 20)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("requested 20 GPUs, which is not a whole number of nodes of 8 GPUs; use a multiple of 8");
        assertThatThrownBy(() -> new Planner().plan(TestProblems.request(DEGRADED, "llama2-7b", 4096, 256, 64)))
                .hasMessageContaining("requested 64 GPUs but cluster 'd' has 48 usable");
    }

    @Test
    void wallClockLimitAndOtherFrameworksGiveLaunchSettings() {
        SearchOptions options = new SearchOptions(
                java.util.Set.of(0, 1, 2, 3),
                true,
                false,
                0.05,
                false,
                0.0,
                1,
                8,
                dev.trainingplanner.costmodel.training.Precision.BF16,
                1L,
                null,
                java.time.Duration.ofMillis(500),
                3,
                24);
        for (Framework framework : List.of(Framework.DEEPSPEED, Framework.FSDP)) {
            PlanRequest base = TestProblems.request(DEGRADED, "llama2-7b", 4096, 256, 32);
            PlanResult result = new Planner()
                    .plan(new PlanRequest(
                            base.cluster(), base.model(), base.globalBatchSequences(), 32, framework, options));
            assertThat(result.feasible()).isTrue();
            var launch = PlanDocuments.from(result).launch();
            assertThat(launch.nodeOrder()).hasSize(4);
            assertThat(launch.frameworkArguments())
                    .containsKey(
                            framework == Framework.DEEPSPEED
                                    ? "zero_optimization"
                                    : "parallelism.data_parallel_shard_degree");
        }
    }

    @Test
    void gpusTooSmallOnSomeNodesAreExplainedWhenEveryNodeIsNeeded() {
        var profile = SyntheticClusters.generate(SyntheticClusters.Spec.healthy("mixed", 2, 8));
        var nodes = new java.util.ArrayList<>(profile.nodes());
        var small = nodes.get(1);
        nodes.set(
                1,
                new dev.trainingplanner.profile.ClusterProfile.NodeProfile(
                        small.name(),
                        small.gpus().stream()
                                .map(g -> new dev.trainingplanner.profile.ClusterProfile.GpuProfile(
                                        g.index(), g.type(), null, 80_000_000_000L, null, null, null))
                                .toList(),
                        null,
                        null,
                        null,
                        null));
        ProfiledCluster cluster = new dev.trainingplanner.engine.profile.ClusterConverter()
                .convert(
                        new dev.trainingplanner.profile.ClusterProfile(
                                "mixed", null, nodes, profile.links(), profile.defaultLink()),
                        java.util.Set.of(),
                        java.util.Set.of());

        PlanResult result = new Planner().plan(TestProblems.request(cluster, "llama2-13b", 4096, 64, 16));

        assertThat(result.feasible()).isFalse();
        assertThat(result.explanation().infeasibility().get(0))
                .startsWith("out of memory on the smaller GPUs")
                .contains("16 GPUs must be used");
    }

    @Test
    void singleNodeWithNoMoveToMakeStillFinishes() {
        ProfiledCluster one = TestProblems.cluster(SyntheticClusters.Spec.healthy("one", 1, 8));
        PlanRequest request = withOptions(
                TestProblems.request(one, "llama2-7b", 4096, 32, 8),
                new SearchOptions(
                        java.util.Set.of(1),
                        false,
                        false,
                        0.05,
                        false,
                        0.0,
                        1,
                        1,
                        dev.trainingplanner.costmodel.training.Precision.BF16,
                        1L,
                        null,
                        null,
                        1,
                        1));

        PlanResult result = new Planner().plan(request);

        assertThat(result.feasible()).isTrue();
        assertThat(result.best().estimate().placement().nodesUsed()).isEqualTo(1);
    }

    static PlanRequest withOptions(PlanRequest request, SearchOptions options) {
        return new PlanRequest(
                request.cluster(),
                request.model(),
                request.globalBatchSequences(),
                request.gpus(),
                request.framework(),
                options);
    }
}
