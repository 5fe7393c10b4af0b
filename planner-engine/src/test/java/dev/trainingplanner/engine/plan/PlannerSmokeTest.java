package dev.trainingplanner.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.engine.TestProblems;
import dev.trainingplanner.engine.bench.SyntheticClusters;
import org.junit.jupiter.api.Test;

class PlannerSmokeTest {

    @Test
    void plansDegradedSmallCluster() {
        var cluster = TestProblems.cluster(SyntheticClusters.Spec.degraded("d", 6, 8, 1, 3));
        var request = TestProblems.request(cluster, "llama2-7b", 4096, 256, 32);
        PlanResult result = new Planner().plan(request);
        System.out.println(result.explanation());
        System.out.println(result.statistics());
        System.out.println(result.best().describe() + " " + result.best().estimate());
        assertThat(result.feasible()).isTrue();
    }
}
