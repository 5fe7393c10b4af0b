package dev.trainingplanner.engine.solver;

import static org.assertj.core.api.Assertions.assertThat;

import ai.timefold.solver.core.api.score.buildin.hardsoftlong.HardSoftLongScore;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.engine.TestProblems;
import dev.trainingplanner.engine.bench.SyntheticClusters;
import dev.trainingplanner.engine.profile.ClusterConverter;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ClusterProfile.GpuProfile;
import dev.trainingplanner.profile.ClusterProfile.NodeProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The score's constraints, checked one by one on hand-made solutions (ConstraintVerifier style). */
class PlacementScoreCalculatorTest {

    private static final ProfiledCluster DEGRADED =
            TestProblems.cluster(SyntheticClusters.Spec.degraded("d", 5, 8, 1, 5));

    private static PlacementSolution solution(SmallInstance instance, int[] order, int layoutIndex) {
        PlacementSolution solution = PlacementProblem.create(instance.layouts(), instance.space());
        for (int i = 0; i < order.length; i++) {
            solution.getSlots().get(i).setNode(solution.getNodes().get(order[i]));
        }
        solution.getLayoutSelection().setLayout(instance.layouts().get(layoutIndex));
        return solution;
    }

    private static HardSoftLongScore fullScore(PlacementSolution solution) {
        PlacementScoreCalculator calculator = new PlacementScoreCalculator();
        calculator.resetWorkingSolution(solution);
        return calculator.calculateScore();
    }

    @Test
    void softScoreIsMinusPredictedIterationMicroseconds() {
        SmallInstance instance = SmallInstance.of(DEGRADED, "llama2-7b", 4096, 256, 4, 4);
        PlacementSolution solution = solution(instance, new int[] {3, 1, 0, 2, 4}, 0);
        double seconds = instance.pool()
                .estimate(instance.layouts().get(0), instance.space().placement(new int[] {3, 1, 0, 2}))
                .iterationTimeSeconds();

        assertThat(fullScore(solution)).isEqualTo(HardSoftLongScore.of(0, -Math.round(seconds * 1e6)));
    }

    @Test
    void memoryOverflowOnAUsedNodeIsPenalisedInMib() {
        ClusterProfile profile = SyntheticClusters.generate(SyntheticClusters.Spec.healthy("m", 3, 8));
        List<NodeProfile> nodes = new ArrayList<>(profile.nodes());
        NodeProfile small = nodes.get(2);
        List<GpuProfile> gpus = small.gpus().stream()
                .map(g -> new GpuProfile(g.index(), g.type(), null, 80_000_000_000L, null, null, null))
                .toList();
        nodes.set(2, new NodeProfile(small.name(), gpus, null, null, null));
        ProfiledCluster cluster = new ClusterConverter()
                .convert(
                        new ClusterProfile(profile.name(), null, nodes, profile.links(), profile.defaultLink()),
                        Set.of(),
                        Set.of());
        SmallInstance instance = SmallInstance.of(cluster, "llama2-7b", 4096, 64, 2, 1);

        HardSoftLongScore spare = fullScore(solution(instance, new int[] {0, 1, 2}, 0));
        HardSoftLongScore used = fullScore(solution(instance, new int[] {2, 1, 0}, 0));

        assertThat(spare.hardScore()).isZero();
        double need = instance.layouts().get(0).memoryNeedBytes(0);
        double capacity = cluster.cluster().usableMemoryBytes(2, 0) * 0.95;
        long expectedMib = (long) Math.ceil(8 * (need - capacity) / (1024.0 * 1024.0));
        assertThat(used.hardScore()).isEqualTo(-expectedMib);
    }

    @Test
    void nodeUsedTwiceIsHard() {
        SmallInstance instance = SmallInstance.of(DEGRADED, "llama2-7b", 4096, 256, 4, 1);
        assertThat(fullScore(solution(instance, new int[] {0, 0, 1, 2, 3}, 0)).hardScore())
                .isEqualTo(-PlacementScoreCalculator.DUPLICATE_NODE_PENALTY);
    }

    @Test
    void gpuPositionsThatAreNoPermutationAreHard() {
        SmallInstance instance = SmallInstance.of(TestProblems.islands(2), "llama2-7b", 4096, 64, 2, 1);
        PlacementSolution solution = solution(instance, new int[] {0, 1}, 0);
        solution.gpuPositionsOf(1).get(0).setGpu(1);

        assertThat(fullScore(solution).hardScore()).isEqualTo(-PlacementScoreCalculator.DUPLICATE_NODE_PENALTY);
    }

    @Test
    void gpuOrderSetsWhichGpuEachRankRuns() {
        SmallInstance instance = SmallInstance.of(TestProblems.islands(2), "llama2-7b", 4096, 64, 2, 1);
        PlacementSolution solution = solution(instance, new int[] {1, 0}, 0);
        int[] reversed = {7, 6, 5, 4, 3, 2, 1, 0};
        for (int local = 0; local < 8; local++) {
            solution.gpuPositionsOf(0).get(local).setGpu(reversed[local]);
        }
        int[][] gpus = {{0, 1, 2, 3, 4, 5, 6, 7}, reversed};
        double seconds = instance.pool()
                .estimate(instance.layouts().get(0), Placement.of(new int[] {1, 0}, gpus))
                .iterationTimeSeconds();

        assertThat(solution.placement().gpuAt(1, 0)).isEqualTo(7);
        assertThat(fullScore(solution)).isEqualTo(HardSoftLongScore.of(0, -Math.round(seconds * 1e6)));
    }

    @Test
    void incrementalGpuSwapsAgreeWithFullRecalculation() {
        SmallInstance instance = SmallInstance.of(TestProblems.islands(3), "llama2-7b", 4096, 64, 2, 3);
        PlacementSolution solution = solution(instance, new int[] {0, 1, 2}, 0);
        PlacementScoreCalculator incremental = new PlacementScoreCalculator();
        incremental.resetWorkingSolution(solution);
        HardSoftLongScore start = incremental.calculateScore();
        Random random = new Random(5);
        boolean changed = false;
        for (int i = 0; i < 80; i++) {
            if (i % 10 == 9) {
                solution.getLayoutSelection().setLayout(instance.layouts().get(random.nextInt(3)));
                incremental.afterVariableChanged(solution.getLayoutSelection(), LayoutSelection.LAYOUT);
            } else if (i % 4 == 3) {
                NodeSlot a = solution.getSlots().get(random.nextInt(3));
                NodeSlot b = solution.getSlots().get(random.nextInt(3));
                ClusterNode swap = a.getNode();
                a.setNode(b.getNode());
                incremental.afterVariableChanged(a, NodeSlot.NODE);
                b.setNode(swap);
                incremental.afterVariableChanged(b, NodeSlot.NODE);
            } else {
                List<GpuPosition> positions = solution.gpuPositionsOf(random.nextInt(3));
                GpuPosition a = positions.get(random.nextInt(8));
                GpuPosition b = positions.get(random.nextInt(8));
                Integer swap = a.getGpu();
                a.setGpu(b.getGpu());
                incremental.afterVariableChanged(a, GpuPosition.GPU);
                b.setGpu(swap);
                incremental.afterVariableChanged(b, GpuPosition.GPU);
            }
            HardSoftLongScore score = incremental.calculateScore();
            changed |= !score.equals(start);
            assertThat(score).as("step " + i).isEqualTo(fullScore(solution));
        }
        assertThat(changed).as("GPU order changes the score on islands").isTrue();
    }

    @Test
    void incrementalSwapsAgreeWithFullRecalculation() {
        SmallInstance instance = SmallInstance.of(DEGRADED, "llama2-7b", 4096, 256, 4, 3);
        PlacementSolution solution = solution(instance, new int[] {0, 1, 2, 3, 4}, 0);
        PlacementScoreCalculator incremental = new PlacementScoreCalculator();
        incremental.resetWorkingSolution(solution);
        incremental.calculateScore();
        Random random = new Random(3);
        for (int i = 0; i < 60; i++) {
            if (i % 10 == 9) {
                solution.getLayoutSelection().setLayout(instance.layouts().get(random.nextInt(3)));
                incremental.afterVariableChanged(solution.getLayoutSelection(), LayoutSelection.LAYOUT);
            } else {
                NodeSlot a = solution.getSlots().get(random.nextInt(5));
                NodeSlot b = solution.getSlots().get(random.nextInt(5));
                ClusterNode swap = a.getNode();
                a.setNode(b.getNode());
                incremental.afterVariableChanged(a, NodeSlot.NODE);
                b.setNode(swap);
                incremental.afterVariableChanged(b, NodeSlot.NODE);
            }
            assertThat(incremental.calculateScore()).as("step " + i).isEqualTo(fullScore(solution));
        }
    }
}
