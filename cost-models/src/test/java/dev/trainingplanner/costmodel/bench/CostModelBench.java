package dev.trainingplanner.costmodel.bench;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.estimate.PlacementSession;
import dev.trainingplanner.costmodel.estimate.PreparedLayout;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.LongUnaryOperator;

/**
 * On-demand throughput benchmark of the cost model (not part of the test run): estimates per second on one thread for
 * a 64-node/512-GPU and a 2048-node/16,384-GPU cluster, full evaluation (prepare + evaluate, and evaluate of a prepared
 * layout) and incremental re-evaluation after a node or GPU swap. Writes {@code target/bench/cost-model-bench.txt}.
 *
 * <p>Run: {@code java -cp cost-models/target/classes:cost-models/target/test-classes:<deps>
 * dev.trainingplanner.costmodel.bench.CostModelBench [seconds-per-measurement]}.
 */
public final class CostModelBench {

    private static volatile double sink;

    private CostModelBench() {}

    public static void main(String[] args) throws IOException {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        List<String> lines = new ArrayList<>();
        lines.add(String.format(
                Locale.ROOT,
                "cost-model benchmark, one thread, %.1f s per measurement, Java %s, %d cores",
                seconds,
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors()));
        lines.add(String.format(
                Locale.ROOT,
                "system load average at start: %.1f (machine shared with other builds; figures scale with it)",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        double[] values = new double[512 * 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 1e-3;
        }
        lines.add(measure("baseline: one pass of max/add over 4 doubles per GPU of 512 GPUs", seconds, n -> {
            double acc = 0;
            for (long i = 0; i < n; i++) {
                double max = 0;
                for (double v : values) {
                    max = Math.max(max, v + acc * 1e-12);
                }
                acc += max;
            }
            sink = acc;
            return n;
        }));
        run(
                lines,
                64,
                Layout.builder()
                        .tp(8)
                        .pp(4)
                        .dp(16)
                        .virtualStages(2)
                        .sequenceParallel(true)
                        .recompute(Recompute.SELECTIVE)
                        .zeroStage(1)
                        .build(),
                ModelPresets.byName("llama3-70b"),
                seconds);
        run(
                lines,
                2048,
                Layout.builder()
                        .tp(8)
                        .pp(16)
                        .dp(128)
                        .sequenceParallel(true)
                        .recompute(Recompute.SELECTIVE)
                        .zeroStage(1)
                        .build(),
                ModelPresets.byName("llama3.1-405b"),
                seconds);
        Path out = Path.of("target", "bench", "cost-model-bench.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, lines);
        lines.forEach(System.out::println);
        System.out.println("written to " + out.toAbsolutePath());
    }

    private static void run(List<String> lines, int nodes, Layout layout, ModelSpec model, double seconds) {
        Cluster cluster = withMeasuredLinks(Cluster.uniform(GpuCatalog.byName("H100-80GB"), nodes, 8), new Random(1));
        TrainingSpec training = new TrainingSpec(layout.dp() * 32, 1, Precision.BF16);
        CostModel costModel = new CostModel();
        Placement packed = Placement.packed(cluster, nodes, 8);
        PreparedLayout prepared = costModel.prepare(model, training, cluster, layout);
        PlacementSession session = prepared.start(packed);
        Random random = new Random(2);
        String label = nodes + " nodes / " + nodes * 8 + " GPUs";
        lines.add(measure(label + ", full estimate (prepare + evaluate)", seconds, n -> {
            double acc = 0;
            for (long i = 0; i < n; i++) {
                acc += costModel
                        .estimate(model, training, cluster, layout, packed)
                        .iterationTimeSeconds();
            }
            sink = acc;
            return n;
        }));
        lines.add(measure(label + ", evaluate prepared layout on a placement", seconds, n -> {
            double acc = 0;
            for (long i = 0; i < n; i++) {
                acc += prepared.evaluate(packed).iterationTimeSeconds();
            }
            sink = acc;
            return n;
        }));
        lines.add(measure(label + ", incremental node swap + iteration time", seconds, n -> {
            double acc = 0;
            for (long i = 0; i < n; i++) {
                session.swapNodes(random.nextInt(nodes), random.nextInt(nodes));
                acc += session.iterationTimeSeconds();
            }
            sink = acc;
            return n;
        }));
        lines.add(measure(label + ", incremental GPU swap + iteration time", seconds, n -> {
            double acc = 0;
            for (long i = 0; i < n; i++) {
                session.swapGpus(random.nextInt(nodes), random.nextInt(8), random.nextInt(8));
                acc += session.iterationTimeSeconds();
            }
            sink = acc;
            return n;
        }));
    }

    private static Cluster withMeasuredLinks(Cluster cluster, Random random) {
        Cluster.Builder b = cluster.toBuilder();
        for (int n = 0; n < cluster.nodeCount(); n++) {
            b.interLink(n, (n + 1) % cluster.nodeCount(), 30e9 + random.nextDouble() * 20e9, 1e-5);
            if (n % 7 == 0) {
                b.intraLink(n, 0, 1, 200e9, 5e-6);
            }
        }
        return b.build();
    }

    /**
     * Runs batches until the warm-up and then the measurement time have passed; returns a result line. Throughput is
     * per second of this thread's CPU time (ThreadMXBean), so that time slices lost to other processes on a shared
     * machine do not count; wall-clock throughput is printed beside it.
     */
    private static String measure(String label, double seconds, LongUnaryOperator batch) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long n = 1;
        long warmupEnd = System.nanoTime() + (long) (seconds * 0.5e9);
        while (System.nanoTime() < warmupEnd) {
            batch.applyAsLong(n);
            n = Math.min(n * 2, 1 << 16);
        }
        long ops = 0;
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now;
        do {
            ops += batch.applyAsLong(n);
            now = System.nanoTime();
        } while (now < end);
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        double perCpuSecond = ops / cpuSeconds;
        double perWallSecond = ops / ((now - start) / 1e9);
        return String.format(
                Locale.ROOT,
                "%-66s %12.0f ops/CPU-s (%8.2f us/op)  wall %10.0f ops/s",
                label,
                perCpuSecond,
                1e6 / perCpuSecond,
                perWallSecond);
    }
}
