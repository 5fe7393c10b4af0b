package dev.trainingplanner.engine.bench;

import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.engine.plan.PlanRequest;
import dev.trainingplanner.engine.plan.PlanResult;
import dev.trainingplanner.engine.plan.Planner;
import dev.trainingplanner.engine.plan.SearchOptions;
import dev.trainingplanner.engine.profile.ClusterConverter;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Benchmarks of the planner (run on demand, not in CI): {@code java -cp ... BenchRunner [suite|degraded|scale|moe|reactions|all]
 * [results.md]}. Writes a Markdown report of every suite it runs.
 */
public final class BenchRunner {

    private BenchRunner() {}

    public static void main(String[] args) throws IOException {
        String which = args.length > 0 ? args[0] : "all";
        Path output = Path.of(args.length > 1 ? args[1] : "planner-engine/target/bench-results.md");
        List<String> report = new ArrayList<>();
        report.add("Benchmark run on " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + ", load average at start " + loadAverage() + ".");
        if (which.equals("scale") || which.equals("all")) {
            report.addAll(ScaleBench.run());
        }
        if (which.equals("moe") || which.equals("all")) {
            report.addAll(MoeScaleBench.run());
        }
        if (which.equals("suite") || which.equals("all")) {
            report.addAll(SmallSuiteBench.run());
        }
        if (which.equals("degraded") || which.equals("all")) {
            report.addAll(DegradedBench.run());
        }
        if (which.equals("reactions") || which.equals("all")) {
            report.addAll(ReactionBench.run());
        }
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.write(output, report);
        report.forEach(System.out::println);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    static ProfiledCluster cluster(SyntheticClusters.Spec spec) {
        return new ClusterConverter().convert(SyntheticClusters.generate(spec), Set.of(), Set.of());
    }

    static PlanResult plan(
            ProfiledCluster cluster, String model, int seqLen, int globalBatch, int gpus, SearchOptions options) {
        ModelSpec spec = ModelPresets.byName(model).withSequenceLength(seqLen);
        return new Planner().plan(new PlanRequest(cluster, spec, globalBatch, gpus, Framework.MEGATRON, options));
    }

    static String f(String format, Object... values) {
        return String.format(Locale.ROOT, format, values);
    }
}
