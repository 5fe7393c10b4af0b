package dev.trainingplanner.engine.solver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.engine.TestProblems;
import dev.trainingplanner.engine.baseline.ExhaustiveSearch;
import dev.trainingplanner.engine.bench.SyntheticClusters;
import dev.trainingplanner.engine.layout.LayoutCandidate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Timefold search against the exhaustive optimum over layouts and node orders, on small clusters. */
class PlacementSearchTest {

    @ParameterizedTest
    @CsvSource({"4, 3, 1, 11", "5, 4, 1, 12", "5, 4, 2, 13"})
    void withinOnePercentOfExhaustiveOptimum(int nodes, int used, int slowNodes, long seed) {
        var cluster = TestProblems.cluster(SyntheticClusters.Spec.degraded("s" + seed, nodes, 8, slowNodes, seed));
        SmallInstance instance = SmallInstance.of(cluster, "llama2-7b", 4096, 96 * used / 3 * 2, used, 6);

        ExhaustiveSearch.Result optimum = ExhaustiveSearch.solve(instance.layouts(), instance.space());
        PlacementSearch.Result engine = PlacementSearch.solve(instance.layouts(), instance.space(), 1L, 600, null);
        double engineSeconds = -engine.best().getScore().softScore() / 1e6;

        assertThat(engine.best().getScore().hardScore()).isZero();
        assertThat(engineSeconds).isLessThanOrEqualTo(optimum.iterationTimeSeconds() * 1.01);
    }

    @Test
    void gpuOrderIsSearchedWithTheNodeOrder() {
        // Two NVLink islands per node: with TP 4 the best plans keep each tensor-parallel group on one island, which
        // the index order (0..7, alternating islands) does not.
        SmallInstance instance = SmallInstance.of(TestProblems.islands(3), "llama2-13b", 4096, 64, 2, 1000);
        List<LayoutCandidate> tensorParallel = instance.layouts().stream()
                .filter(c -> c.layout().tp() == 4)
                .limit(3)
                .toList();
        Placement packed = instance.space().placement(new int[] {0, 1});

        PlacementSearch.Result engine = PlacementSearch.solve(tensorParallel, instance.space(), 1L, 300, null);

        PlacementSolution best = engine.best();
        Placement placement = best.placement();
        LayoutCandidate layout = best.getLayoutSelection().getLayout();
        double searched = -best.getScore().softScore() / 1e6;
        double indexOrder = layout.start(instance.space().placement(java.util.Arrays.copyOf(best.usedNodeOrder(), 2)))
                .iterationTimeSeconds();
        assertThat(searched).isLessThan(indexOrder);
        int tp = layout.layout().tp();
        for (int slot = 0; slot < 2; slot++) {
            for (int group = 0; group < 8 / tp; group++) {
                int island = placement.gpuAt(slot, group * tp) % 2;
                for (int local = group * tp; local < (group + 1) * tp; local++) {
                    assertThat(placement.gpuAt(slot, local) % 2)
                            .as("slot %d local %d", slot, local)
                            .isEqualTo(island);
                }
            }
        }
        assertThat(packed.gpuAt(0, 1) % 2).isNotEqualTo(packed.gpuAt(0, 0) % 2);
    }
}
