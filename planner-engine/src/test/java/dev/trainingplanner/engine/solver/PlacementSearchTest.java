package dev.trainingplanner.engine.solver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.engine.TestProblems;
import dev.trainingplanner.engine.baseline.ExhaustiveSearch;
import dev.trainingplanner.engine.bench.SyntheticClusters;
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
}
