package dev.trainingplanner.engine.bench;

import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.engine.baseline.PipetteAnnealing;
import dev.trainingplanner.engine.layout.CandidatePool;
import dev.trainingplanner.engine.layout.LayoutCandidate;
import dev.trainingplanner.engine.layout.LayoutSpace;
import dev.trainingplanner.engine.plan.PlanResult;
import dev.trainingplanner.engine.plan.SearchOptions;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import dev.trainingplanner.engine.solver.SearchSpace;
import java.util.ArrayList;
import java.util.List;

/**
 * Degraded 32 x 8 cluster: three nodes whose network runs at 25% and a tenth of the other node pairs at 50%. The
 * planner against (a) the best layout with the default placement (exhaustive over layouts, ranks packed by node) and
 * (b) the Pipette-style baseline (simulated annealing over node permutations per layout, same layouts, same number
 * of evaluations as the planner's score calculations). The plan on the same cluster without degradation is shown as a
 * lower bound.
 */
final class DegradedBench {

    /** The same cluster without degradation: no placement can beat its plan, a lower bound for the degraded one. */
    private static final ProfiledCluster HEALTHY =
            BenchRunner.cluster(SyntheticClusters.Spec.healthy("healthy-32x8", 32, 8));

    private DegradedBench() {}

    private record Case(String model, int seqLen, int batch, int gpus) {}

    static List<String> run() {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("## Degraded 32 x 8 cluster (3 nodes at 25%, 10% of pairs at 50%)");
        lines.add("");
        lines.add("| cluster seed | model | GPUs | default placement best (s) | Pipette-style (s) | planner (s) | "
                + "planner vs default | planner vs Pipette | evaluations | healthy cluster (s) | planner layout |");
        lines.add("|---|---|---|---|---|---|---|---|---|---|---|");
        List<Case> cases = List.of(
                new Case("llama2-70b", 4096, 512, 256),
                new Case("llama2-70b", 4096, 512, 160),
                new Case("gpt3-175b", 2048, 512, 256),
                new Case("llama2-13b", 4096, 512, 128));
        for (long seed : new long[] {1, 2}) {
            ProfiledCluster cluster =
                    BenchRunner.cluster(SyntheticClusters.Spec.degraded("degraded-32x8", 32, 8, 3, seed));
            for (Case c : cases) {
                PlanResult plan =
                        BenchRunner.plan(cluster, c.model(), c.seqLen(), c.batch(), c.gpus(), SearchOptions.defaults());
                if (!plan.feasible()) {
                    lines.add(BenchRunner.f("| %d | %s | %d | infeasible | | | | | | | |", seed, c.model(), c.gpus()));
                    continue;
                }
                ModelSpec model = ModelPresets.byName(c.model()).withSequenceLength(c.seqLen());
                SearchSpace space = new SearchSpace(cluster.cluster(), c.gpus() / 8, 8, 0.05);
                CandidatePool pool = new CandidatePool(
                        new CostModel(),
                        model,
                        c.batch(),
                        SearchOptions.defaults().precision(),
                        Framework.MEGATRON,
                        space);
                List<LayoutCandidate> layouts = pool.screen(LayoutSpace.enumerate(
                        model, c.batch(), c.gpus(), 8, 8, Framework.MEGATRON, SearchOptions.defaults()));
                List<LayoutCandidate> searched =
                        layouts.subList(0, Math.min(SearchOptions.defaults().layoutPoolSize(), layouts.size()));
                long budget = plan.statistics().scoreCalculations();
                PipetteAnnealing.Result pipette = PipetteAnnealing.solve(searched, space, budget, seed);
                double planner = plan.best().estimate().iterationTimeSeconds();
                double defaultBest = plan.statistics().defaultPlacementBestSeconds();
                PlanResult healthy =
                        BenchRunner.plan(HEALTHY, c.model(), c.seqLen(), c.batch(), c.gpus(), SearchOptions.defaults());
                lines.add(BenchRunner.f(
                        "| %d | %s | %d | %.4f | %.4f | %.4f | %+.1f%% | %+.1f%% | %d | %.4f | %s |",
                        seed,
                        c.model(),
                        c.gpus(),
                        defaultBest,
                        pipette.iterationTimeSeconds(),
                        planner,
                        (planner / defaultBest - 1) * 100,
                        (planner / pipette.iterationTimeSeconds() - 1) * 100,
                        budget,
                        healthy.best().estimate().iterationTimeSeconds(),
                        plan.best().describe()));
            }
        }
        return lines;
    }
}
