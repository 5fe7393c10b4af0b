package dev.trainingplanner.costmodel.bench;

import dev.trainingplanner.costmodel.estimate.PlacementSession;
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
 * layout) and incremental re-evaluation after a node or GPU swap, on the clusters of {@link BenchFixture}. Writes
 * {@code target/bench/cost-model-bench.txt}. Counts per second of CPU time, so that it suits a shared machine; the JMH
 * benchmark of the {@code jmh} profile measures the same operations by JMH's rules (wall clock, forked JVM).
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
        double[] values = BenchFixture.baselineValues();
        lines.add(measure(
                "baseline: one pass of max/add over 4 doubles per GPU of " + BenchFixture.BASELINE_GPUS + " GPUs",
                seconds,
                n -> {
                    double acc = 0;
                    for (long i = 0; i < n; i++) {
                        acc = BenchFixture.baselinePass(values, acc);
                    }
                    sink = acc;
                    return n;
                }));
        run(lines, BenchFixture.of(BenchFixture.SMALL_NODES), seconds);
        run(lines, BenchFixture.of(BenchFixture.LARGE_NODES), seconds);
        Path out = Path.of("target", "bench", "cost-model-bench.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, lines);
        lines.forEach(System.out::println);
        System.out.println("written to " + out.toAbsolutePath());
    }

    private static void run(List<String> lines, BenchFixture fixture, double seconds) {
        PlacementSession session = fixture.startSession();
        Random random = new Random(2);
        String label = fixture.label();
        lines.add(measure(label + ", full estimate (prepare + evaluate)", seconds, n -> {
            double acc = 0;
            for (long i = 0; i < n; i++) {
                acc += fixture.fullEstimate();
            }
            sink = acc;
            return n;
        }));
        lines.add(measure(label + ", evaluate prepared layout on a placement", seconds, n -> {
            double acc = 0;
            for (long i = 0; i < n; i++) {
                acc += fixture.evaluatePrepared();
            }
            sink = acc;
            return n;
        }));
        lines.add(measure(label + ", incremental node swap + iteration time", seconds, n -> {
            double acc = 0;
            for (long i = 0; i < n; i++) {
                acc += fixture.swapNodes(session, random);
            }
            sink = acc;
            return n;
        }));
        lines.add(measure(label + ", incremental GPU swap + iteration time", seconds, n -> {
            double acc = 0;
            for (long i = 0; i < n; i++) {
                acc += fixture.swapGpus(session, random);
            }
            sink = acc;
            return n;
        }));
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
