package dev.trainingplanner.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainingplanner.engine.TestProblems;
import dev.trainingplanner.engine.bench.SyntheticClusters;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cost per token with a free GPU count: GPUs × iteration time per trained token, within an iteration-time bound. */
class GpuCountSearchTest {

    private static final ProfiledCluster CLUSTER = TestProblems.cluster(SyntheticClusters.Spec.healthy("free", 8, 8));

    private static PlanRequest upTo(int gpus) {
        PlanRequest request = TestProblems.request(CLUSTER, "llama2-7b", 4096, 256, gpus);
        return new PlanRequest(
                request.cluster(),
                request.model(),
                request.globalBatchSequences(),
                gpus,
                request.framework(),
                request.options().withSteps(200));
    }

    private static double gpuHoursPerMillionTokens(PlanResult plan) {
        double tokens = 256.0 * 4096;
        return plan.request().gpus() * plan.best().estimate().iterationTimeSeconds() / tokens * 1e6 / 3600;
    }

    @Test
    void candidateCountsArePowersOfTwoAndHalfwaySizesUpToTheMaximum() {
        assertThat(GpuCountSearch.candidateCounts(64, 8)).containsExactly(1, 2, 4, 8, 16, 24, 32, 48, 64);
        assertThat(GpuCountSearch.candidateCounts(40, 8)).containsExactly(1, 2, 4, 8, 16, 24, 32, 40);
        assertThat(GpuCountSearch.candidateCounts(4, 8)).containsExactly(1, 2, 4);
    }

    @Test
    void theChosenCountIsTheCheapestPlannedOneAndNoDearerThanAllGpus() {
        CostPerTokenResult result = new GpuCountSearch(new Planner()).plan(upTo(64), CostPerTokenGoal.unbounded());

        assertThat(result.feasible()).isTrue();
        double chosen = gpuHoursPerMillionTokens(result.plan());
        assertThat(result.candidates())
                .filteredOn(GpuCountCandidate::searched)
                .hasSizeBetween(1, GpuCountSearch.FULL_SEARCHES)
                .allSatisfy(c -> assertThat(c.gpuHoursPerMillionTokens()).isGreaterThanOrEqualTo(chosen * (1 - 1e-9)));
        assertThat(result.candidates()).anySatisfy(c -> assertThat(c.gpus())
                .isEqualTo(result.plan().request().gpus()));
        PlanResult allGpus = new Planner().plan(upTo(64));
        assertThat(chosen).isLessThanOrEqualTo(gpuHoursPerMillionTokens(allGpus) * (1 + 1e-9));
    }

    @Test
    void equalCostGoesToTheLargerCountWhichTrainsSooner() {
        // GPT-3 1.3B with pure data parallelism whose gradient all-reduce hides behind the backward pass: 4, 8 and 16
        // GPUs cost the same GPU-hours per token, and 16 finishes each step four times sooner than 4.
        ProfiledCluster small = TestProblems.cluster(SyntheticClusters.Spec.healthy("tie", 4, 8));
        PlanRequest base = TestProblems.request(small, "gpt3-1.3b", 2048, 64, 32);
        PlanRequest request = new PlanRequest(
                small, base.model(), 64, 32, base.framework(), base.options().withSteps(200));

        CostPerTokenResult result = new GpuCountSearch(new Planner()).plan(request, CostPerTokenGoal.unbounded());

        double cheapest = result.candidates().stream()
                .filter(GpuCountCandidate::searched)
                .mapToDouble(GpuCountCandidate::gpuHoursPerMillionTokens)
                .min()
                .orElseThrow();
        List<Integer> tied = result.candidates().stream()
                .filter(c -> c.searched() && c.gpuHoursPerMillionTokens() <= cheapest * (1 + 1e-9))
                .map(GpuCountCandidate::gpus)
                .toList();
        assertThat(tied).hasSizeGreaterThan(1);
        assertThat(result.plan().request().gpus()).isEqualTo(Collections.max(tied));
    }

    @Test
    void anIterationTimeBoundBuysSpeedWithMoreGpus() {
        CostPerTokenResult cheapest = new GpuCountSearch(new Planner()).plan(upTo(64), CostPerTokenGoal.unbounded());
        double cheapestSeconds = cheapest.plan().best().estimate().iterationTimeSeconds();

        double bound = cheapestSeconds / 3;
        CostPerTokenResult bounded = new GpuCountSearch(new Planner()).plan(upTo(64), new CostPerTokenGoal(bound, 2.5));

        assertThat(bounded.feasible()).isTrue();
        assertThat(bounded.plan().best().estimate().iterationTimeSeconds()).isLessThanOrEqualTo(bound);
        assertThat(bounded.plan().request().gpus())
                .isGreaterThan(cheapest.plan().request().gpus());
        assertThat(bounded.candidates())
                .filteredOn(c -> c.layout() != null && c.iterationTimeSeconds() > bound)
                .allSatisfy(c -> assertThat(c.note()).contains("over the"));
        GpuCountCandidate chosen = bounded.candidates().stream()
                .filter(c -> c.gpus() == bounded.plan().request().gpus())
                .findFirst()
                .orElseThrow();
        assertThat(chosen.costPerMillionTokens()).isEqualTo(chosen.gpuHoursPerMillionTokens() * 2.5);
    }

    @Test
    void anUnreachableBoundIsAnInfeasiblePlanWithTheReason() {
        CostPerTokenResult result = new GpuCountSearch(new Planner()).plan(upTo(64), new CostPerTokenGoal(1e-6, null));

        assertThat(result.feasible()).isFalse();
        assertThat(result.plan().explanation().infeasibility()).anyMatch(r -> r.contains("iteration-time bound"));
    }

    @Test
    void badBoundsAreRejected() {
        assertThatThrownBy(() -> new CostPerTokenGoal(0.0, null)).hasMessageContaining("positive");
        assertThatThrownBy(() -> new CostPerTokenGoal(null, -1.0)).hasMessageContaining("price");
    }
}
