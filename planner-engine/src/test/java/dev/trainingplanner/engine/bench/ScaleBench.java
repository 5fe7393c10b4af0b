package dev.trainingplanner.engine.bench;

import dev.trainingplanner.engine.plan.PlanResult;
import dev.trainingplanner.engine.plan.SearchOptions;
import dev.trainingplanner.engine.plan.SearchStatistics;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.util.ArrayList;
import java.util.List;

/**
 * Planning time at 1,024, 4,096 and 16,384 GPUs (8 per node) with the default termination: time to the first
 * feasible plan, time to the final plan, and the quality-vs-time curve. The clusters are degraded (three slow nodes,
 * a tenth of pairs at half bandwidth) so that placement matters.
 */
final class ScaleBench {

    private ScaleBench() {}

    static List<String> run() {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("## Scale (default termination, GPT-3 175B, sequence 2048, global batch 1536)");
        lines.add("");
        lines.add(
                "| GPUs | nodes | layouts enumerated / feasible / searched | screening (s) | first feasible (s) | solver (s) | final plan (s) | "
                        + "plan | iteration (s) | default placement best (s) | score calculations |");
        lines.add("|---|---|---|---|---|---|---|---|---|---|---|");
        List<String> curves = new ArrayList<>();
        for (int gpus : new int[] {1024, 4096, 16384}) {
            int nodes = gpus / 8;
            ProfiledCluster cluster = BenchRunner.cluster(new SyntheticClusters.Spec(
                    "scale-" + gpus, nodes, 8, "H100-80GB", 3, 0.25, 0.02, 0.5, 0, 0, 1, 11));
            long start = System.nanoTime();
            PlanResult result = BenchRunner.plan(cluster, "gpt3-175b", 2048, 1536, gpus, SearchOptions.defaults());
            double wall = (System.nanoTime() - start) / 1e9;
            SearchStatistics s = result.statistics();
            lines.add(BenchRunner.f(
                    "| %d | %d | %d / %d / %d | %.2f | %.2f | %.2f | %.2f | %s | %.4f | %.4f | %d |",
                    gpus,
                    nodes,
                    s.layoutsEnumerated(),
                    s.layoutsFeasible(),
                    s.layoutsSearched(),
                    s.screeningMillis() / 1000.0,
                    s.firstFeasibleMillis() / 1000.0,
                    s.solverMillis() / 1000.0,
                    wall,
                    result.feasible() ? result.best().describe() : "infeasible",
                    result.feasible() ? result.best().estimate().iterationTimeSeconds() : Double.NaN,
                    s.defaultPlacementBestSeconds(),
                    s.scoreCalculations()));
            StringBuilder curve = new StringBuilder(BenchRunner.f("- %d GPUs: ", gpus));
            for (SearchStatistics.CurvePoint p : s.curve()) {
                curve.append(BenchRunner.f("%.2fs→%.4f ", p.millis() / 1000.0, p.iterationTimeSeconds()));
            }
            curves.add(curve.toString().trim());
        }
        lines.add("");
        lines.add("Quality against solver time (seconds into the search → best predicted iteration seconds):");
        lines.add("");
        lines.addAll(curves);
        return lines;
    }
}
