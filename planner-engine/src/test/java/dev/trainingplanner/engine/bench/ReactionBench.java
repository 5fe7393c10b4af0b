package dev.trainingplanner.engine.bench;

import dev.trainingplanner.costmodel.layout.GradientCoding;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.time.GradientCodingTime;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.engine.plan.PlanRequest;
import dev.trainingplanner.engine.plan.PlanResult;
import dev.trainingplanner.engine.plan.Planner;
import dev.trainingplanner.engine.plan.SearchOptions;
import dev.trainingplanner.engine.profile.ClusterConverter;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ClusterProfile.IntraNodeProfile;
import dev.trainingplanner.profile.ClusterProfile.NodeProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Straggler and ladder choices react to their inputs.
 *
 * <ul>
 *   <li>Gradient coding: every node reports Bernoulli straggler statistics (probability p, slowdown k); the chosen
 *       scheme and s are compared with the argmin of the expected-time formulas of cost-models.md §8.3 (a) for n = dp.
 *   <li>Ladder Residual: TP groups inside nodes whose NVLink is degraded; the chosen ladder layers should sit on the
 *       pipeline stages placed on those nodes.
 * </ul>
 */
final class ReactionBench {

    private ReactionBench() {}

    static List<String> run() {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("## Reactions: gradient coding against the expected-time formulas (cost-models.md §8.3 (a))");
        lines.add("");
        lines.add("| p | k | dp | chosen | formula argmin (FR / CR / sequential) | straggler term (s) |");
        lines.add("|---|---|---|---|---|---|");
        for (double p : new double[] {0.0, 0.01, 0.05, 0.15, 0.3}) {
            SyntheticClusters.Spec spec =
                    SyntheticClusters.Spec.healthy("stragglers", 8, 8).withStragglers(p > 0 ? 8 : 0, p, 3.0);
            ProfiledCluster cluster = BenchRunner.cluster(spec);
            SearchOptions options = SearchOptions.defaults().withGradientCoding(true);
            options = new SearchOptions(
                    java.util.Set.of(0),
                    false,
                    false,
                    options.headroomFraction(),
                    true,
                    0.0,
                    1,
                    8,
                    options.precision(),
                    1L,
                    null,
                    null,
                    3,
                    24);
            PlanResult result = BenchRunner.plan(cluster, "llama2-7b", 4096, 256, 64, options);
            Layout layout = result.best().layout();
            GradientCoding coding = layout.gradientCoding();
            int n = layout.dp();
            int microBatches = 256 / (n * result.best().microBatchSequences());
            lines.add(BenchRunner.f(
                    "| %.2f | 3.0 | %d | %s | %s / %s | %.4f |",
                    p,
                    n,
                    coding.isNone() ? "none" : coding.scheme().name().toLowerCase() + " " + coding.parameters(),
                    formulaArgmin(n, result.best().estimate().placement().nodesUsed(), p, 3.0),
                    sequentialArgmin(n, p, 3.0, microBatches),
                    result.best().estimate().breakdown().stragglerSeconds()));
        }
        lines.add("");
        lines.add("## Reactions: Ladder Residual layers with degraded NVLink on some nodes (max fraction 0.5)");
        lines.add("");
        lines.add(
                "| slow NVLink nodes | NVLink there (GB/s) | plan | ladder layers | stages of the ladder layers | nodes "
                        + "of those stages |");
        lines.add("|---|---|---|---|---|---|");
        for (double slowGBps : new double[] {450.0, 40.0}) {
            ProfiledCluster cluster = ladderCluster(slowGBps);
            ModelSpec model = ModelPresets.byName("llama2-13b").withSequenceLength(4096);
            SearchOptions options = SearchOptions.defaults().withLadder(0.5, false);
            PlanResult result =
                    new Planner().plan(new PlanRequest(cluster, model, 64, 32, Framework.MEGATRON, options));
            Layout layout = result.best().layout();
            List<Integer> stages = layout.ladderLayers().stream()
                    .map(l -> layout.stageOfLayer(l, model.layers()))
                    .distinct()
                    .toList();
            int ranksPerStage = layout.worldSize() / layout.pp();
            List<String> nodes = stages.stream()
                    .map(s -> cluster.nodeName(
                            result.best().estimate().placement().node(s * ranksPerStage)))
                    .toList();
            lines.add(BenchRunner.f(
                    "| node-0, node-1 | %.0f | %s | %s | %s | %s |",
                    slowGBps,
                    result.best().describe(),
                    layout.ladderLayers().isEmpty()
                            ? "none"
                            : layout.ladderLayers().toString(),
                    stages,
                    nodes));
        }
        return lines;
    }

    /**
     * argmin over s of E[T_FR(s)] and E[T_GC(s)] (Bernoulli model, cost-models.md §8.3 (a)) for n = dp replicas, up to
     * s = 16. Uncoded (s = 0), every replica waits for the slowest node, so the iteration is slow when any of the nodes
     * used is slow: replicas that share a node are not independent workers.
     */
    static String formulaArgmin(int n, int nodes, double p, double k) {
        int bestFr = 0;
        int bestCr = 0;
        double frBest = Double.MAX_VALUE;
        double crBest = Double.MAX_VALUE;
        double none = 1 + (k - 1) * (1 - Math.pow(1 - p, nodes));
        for (int s = 0; s < n && s <= 16; s++) {
            double cr = s == 0 ? none : (s + 1) * (1 + (k - 1) * binomialTail(n, p, s));
            if (cr < crBest - 1e-12) {
                crBest = cr;
                bestCr = s;
            }
            if (n % (s + 1) == 0) {
                double fr = s == 0
                        ? none
                        : (s + 1) * (1 + (k - 1) * (1 - Math.pow(1 - Math.pow(p, s + 1), (double) n / (s + 1))));
                if (fr < frBest - 1e-12) {
                    frBest = fr;
                    bestFr = s;
                }
            }
        }
        return "FR s=" + bestFr + " / CR s=" + bestCr;
    }

    /**
     * The sequential code (B ≤ 3, W ≤ 9, λ ≤ 16, delay within the step's micro-batches) with the smallest expected
     * factor of cost-models.md §8.2 and §8.3 (a), computed from the formulas here, with its factor: M-SGC's load times
     * 1 + (k−1)·P(the window breaks the (B, W, λ) model); SR-SGC's s+1 times 1 + (k−1)·min(P(X > s), that probability).
     */
    static String sequentialArgmin(int n, double p, double k, int microBatches) {
        String best = "none fits";
        double bestFactor = Double.MAX_VALUE;
        for (int burst = 1; burst <= 3; burst++) {
            for (int window = 2; window <= 9; window++) {
                for (int lambda = 1; lambda < n && lambda <= 16; lambda++) {
                    double broken = 1 - GradientCodingTime.sequentialWindowConforms(n, p, burst, window, lambda);
                    if (window - 2 + burst + 1 <= microBatches) {
                        double load = GradientCodingTime.multiplexedLoadTimesN(n, burst, window, lambda);
                        double factor = load * (1 + (k - 1) * broken);
                        if (factor < bestFactor - 1e-12) {
                            bestFactor = factor;
                            best = BenchRunner.f("M-SGC B=%d,W=%d,λ=%d %.3f", burst, window, lambda, factor);
                        }
                    }
                    if ((window - 1) % burst == 0 && burst + 1 <= microBatches) {
                        int s = Math.min(n - 1, GradientCodingTime.selectiveRepeatStragglers(burst, window, lambda));
                        double factor = (s + 1) * (1 + (k - 1) * Math.min(binomialTail(n, p, s), broken));
                        if (factor < bestFactor - 1e-12) {
                            bestFactor = factor;
                            best = BenchRunner.f("SR-SGC B=%d,W=%d,λ=%d %.3f", burst, window, lambda, factor);
                        }
                    }
                }
            }
        }
        return best;
    }

    /** P(X > s) for X ~ Bin(n, p). */
    private static double binomialTail(int n, double p, int s) {
        double cumulative = 0;
        double term = Math.pow(1 - p, n);
        for (int i = 0; i <= s; i++) {
            cumulative += term;
            term = term * (n - i) / (i + 1) * p / (1 - p);
        }
        return Math.max(0, 1 - cumulative);
    }

    private static ProfiledCluster ladderCluster(double slowGBps) {
        ClusterProfile base = SyntheticClusters.generate(SyntheticClusters.Spec.healthy("ladder", 4, 8));
        List<NodeProfile> nodes = new ArrayList<>();
        for (NodeProfile node : base.nodes()) {
            boolean slow = node.name().equals("node-0") || node.name().equals("node-1");
            IntraNodeProfile intra = slow ? uniformIntraNode(8, slowGBps) : null;
            nodes.add(new NodeProfile(node.name(), node.gpus(), intra, null, null, node.nvlinkDomain()));
        }
        ClusterProfile profile = new ClusterProfile(base.name(), null, nodes, base.links(), base.defaultLink());
        return new ClusterConverter().convert(profile, Set.of(), Set.of());
    }

    private static IntraNodeProfile uniformIntraNode(int gpus, double gbps) {
        List<List<Double>> bandwidth = new ArrayList<>();
        for (int a = 0; a < gpus; a++) {
            List<Double> row = new ArrayList<>();
            for (int b = 0; b < gpus; b++) {
                row.add(a == b ? 0.0 : gbps);
            }
            bandwidth.add(row);
        }
        return new IntraNodeProfile(bandwidth, null, null);
    }
}
