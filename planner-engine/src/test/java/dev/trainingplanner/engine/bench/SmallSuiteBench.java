package dev.trainingplanner.engine.bench;

import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.engine.baseline.ExhaustiveSearch;
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
 * Quality on small clusters (3 to 6 nodes of 8 GPUs, healthy and degraded): the planner with its default termination
 * against the exhaustive optimum over node orders (interchangeable nodes folded) and the best layouts under the
 * default placement (64 of them up to 5 nodes, 32 at 6 nodes; the planner itself searches 24).
 */
final class SmallSuiteBench {

    private SmallSuiteBench() {}

    private record Instance(String name, int nodes, int used, int slowNodes, String model, int batch, long seed) {}

    static List<String> run() {
        List<Instance> instances = new ArrayList<>();
        String[] models = {"llama2-7b", "gpt3-6.7b", "llama2-13b"};
        int k = 0;
        for (int nodes = 3; nodes <= 6; nodes++) {
            for (int slow = 0; slow <= 2; slow++) {
                for (int spare = 0; spare <= 1; spare++) {
                    if (slow == 0 && spare == 1) {
                        continue;
                    }
                    int used = nodes - spare;
                    String model = models[k % models.length];
                    instances.add(new Instance(
                            (slow == 0 ? "healthy" : "degraded") + "-" + nodes + "n-" + used + "u-" + slow + "s",
                            nodes,
                            used,
                            slow,
                            model,
                            32 * used,
                            100 + k));
                    k++;
                }
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("## Small clusters: planner vs exhaustive optimum (" + instances.size() + " instances)");
        lines.add("");
        lines.add("| instance | model | GPUs | exhaustive optimum (s) | planner, even split (s) | gap | "
                + "planner final (s) | planner time (s) | exhaustive evaluations |");
        lines.add("|---|---|---|---|---|---|---|---|---|");
        int within = 0;
        double worst = 0;
        for (Instance instance : instances) {
            SyntheticClusters.Spec spec = instance.slowNodes() == 0
                    ? SyntheticClusters.Spec.healthy(instance.name(), instance.nodes(), 8)
                    : SyntheticClusters.Spec.degraded(
                            instance.name(), instance.nodes(), 8, instance.slowNodes(), instance.seed());
            ProfiledCluster cluster = BenchRunner.cluster(spec);
            int gpus = instance.used() * 8;
            long start = System.nanoTime();
            PlanResult plan =
                    BenchRunner.plan(cluster, instance.model(), 4096, instance.batch(), gpus, SearchOptions.defaults());
            double plannerSeconds = (System.nanoTime() - start) / 1e9;
            ModelSpec model = ModelPresets.byName(instance.model()).withSequenceLength(4096);
            SearchSpace space = new SearchSpace(cluster.cluster(), instance.used(), 8, 0.05);
            CandidatePool pool = new CandidatePool(
                    new CostModel(),
                    model,
                    instance.batch(),
                    SearchOptions.defaults().precision(),
                    Framework.MEGATRON,
                    space);
            List<LayoutCandidate> layouts = pool.screen(LayoutSpace.enumerate(
                    model, instance.batch(), gpus, 8, 8, Framework.MEGATRON, SearchOptions.defaults()));
            int poolSize = instance.nodes() <= 5 ? 64 : 32;
            ExhaustiveSearch.Result optimum =
                    ExhaustiveSearch.solve(layouts.subList(0, Math.min(poolSize, layouts.size())), space);
            // The exhaustive search covers layouts × node orders with even pipeline splits; the planner's final plan
            // may also split the pipeline unevenly (a refinement), so the gap compares its layout and placement
            // with the even split.
            double planner = evenSplit(pool, plan);
            double gap = planner / optimum.iterationTimeSeconds() - 1;
            worst = Math.max(worst, gap);
            if (gap <= 0.01) {
                within++;
            }
            lines.add(BenchRunner.f(
                    "| %s | %s | %d | %.4f | %.4f | %+.2f%% | %.4f | %.2f | %d |",
                    instance.name(),
                    instance.model(),
                    gpus,
                    optimum.iterationTimeSeconds(),
                    planner,
                    gap * 100,
                    plan.best().estimate().iterationTimeSeconds(),
                    plannerSeconds,
                    optimum.evaluations()));
        }
        lines.add("");
        lines.add(BenchRunner.f(
                "Within 1%% of the optimum: %d of %d instances; worst gap %+.2f%%.",
                within, instances.size(), worst * 100));
        return lines;
    }

    private static double evenSplit(CandidatePool pool, PlanResult plan) {
        Layout even =
                plan.best().layout().toBuilder().stageLayerCounts(List.of()).build();
        Placement placement = plan.best().estimate().placement();
        LayoutCandidate candidate = pool.prepare(even, plan.best().microBatchSequences(), placement);
        return pool.estimate(candidate, placement).iterationTimeSeconds();
    }
}
