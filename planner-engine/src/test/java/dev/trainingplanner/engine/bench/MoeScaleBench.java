package dev.trainingplanner.engine.bench;

import dev.trainingplanner.engine.plan.PlanResult;
import dev.trainingplanner.engine.plan.SearchOptions;
import dev.trainingplanner.engine.plan.SearchStatistics;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.util.ArrayList;
import java.util.List;

/**
 * Planning time of a mixture-of-experts model at 1,024 GPUs with the default termination: DeepSeek-V3 (256 experts,
 * MLA) on 128 nodes of 8 H100s, sequence 4096, global batch 4096, on the degraded cluster of {@link ScaleBench}. The
 * search covers every expert-parallel degree with every dense layout, and the dispatcher and overlap variants of the
 * best ones.
 */
final class MoeScaleBench {

    private MoeScaleBench() {}

    static List<String> run() {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("## Mixture of experts (default termination, DeepSeek-V3, sequence 4096, global batch 4096)");
        lines.add("");
        lines.add("| GPUs | nodes | layouts enumerated / feasible / searched | screening (s) | first feasible (s) | "
                + "final plan (s) | plan | iteration (s) | MoE all-to-all (s) | default placement best (s) |");
        lines.add("|---|---|---|---|---|---|---|---|---|---|");
        int gpus = 1024;
        int nodes = gpus / 8;
        ProfiledCluster cluster = BenchRunner.cluster(
                new SyntheticClusters.Spec("moe-" + gpus, nodes, 8, "H100-80GB", 3, 0.25, 0.02, 0.5, 0, 0, 1, 11));
        long start = System.nanoTime();
        PlanResult result = BenchRunner.plan(cluster, "deepseek-v3", 4096, 4096, gpus, SearchOptions.defaults());
        double wall = (System.nanoTime() - start) / 1e9;
        SearchStatistics s = result.statistics();
        lines.add(BenchRunner.f(
                "| %d | %d | %d / %d / %d | %.2f | %.2f | %.2f | %s | %.4f | %.4f | %.4f |",
                gpus,
                nodes,
                s.layoutsEnumerated(),
                s.layoutsFeasible(),
                s.layoutsSearched(),
                s.screeningMillis() / 1000.0,
                s.firstFeasibleMillis() / 1000.0,
                wall,
                result.feasible() ? result.best().describe() : "infeasible",
                result.feasible() ? result.best().estimate().iterationTimeSeconds() : Double.NaN,
                result.feasible() ? result.best().estimate().breakdown().exposedExpertAllToAllSeconds() : Double.NaN,
                s.defaultPlacementBestSeconds()));
        return lines;
    }
}
