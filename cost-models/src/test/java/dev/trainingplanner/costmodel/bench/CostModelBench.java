package dev.trainingplanner.costmodel.bench;

import dev.trainingplanner.costmodel.estimate.PlacementSession;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 * dev.trainingplanner.costmodel.bench.CostModelBench [seconds-per-measurement [rounds]]} (defaults 2 s, 3 rounds).
 */
public final class CostModelBench {

    private static volatile double sink;

    private CostModelBench() {}

    /** One benchmark line: what it measures, and a batch of n operations that returns n. */
    private record Line(String label, LongUnaryOperator batch) {}

    /** Throughput of one line in one round. */
    private record Measurement(double perCpuSecond, double perWallSecond) {}

    public static void main(String[] args) throws IOException {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<String> lines = new ArrayList<>();
        lines.add(String.format(
                Locale.ROOT,
                "cost-model benchmark, one thread, %.1f s per measurement, median of %d rounds, Java %s, %d cores",
                seconds,
                rounds,
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors()));
        lines.add(String.format(
                Locale.ROOT,
                "system load average at start: %.1f (machine shared with other builds; figures scale with it)",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        double[] values = BenchFixture.baselineValues();
        List<Line> benchmarks = new ArrayList<>();
        benchmarks.add(new Line(
                "baseline: one pass of max/add over 4 doubles per GPU of " + BenchFixture.BASELINE_GPUS + " GPUs",
                n -> {
                    double acc = 0;
                    for (long i = 0; i < n; i++) {
                        acc = BenchFixture.baselinePass(values, acc);
                    }
                    sink = acc;
                    return n;
                }));
        benchmarks.addAll(lines(BenchFixture.of(BenchFixture.SMALL_NODES)));
        benchmarks.addAll(lines(BenchFixture.of(BenchFixture.LARGE_NODES)));

        // Every line is compiled before any is measured; then the rounds interleave the lines, baseline included, so
        // that a burst of load on the shared machine spreads over all of them instead of hitting one.
        long[] batchSizes = new long[benchmarks.size()];
        for (int k = 0; k < benchmarks.size(); k++) {
            batchSizes[k] = warmUp(benchmarks.get(k), seconds * 0.5);
        }
        Measurement[][] results = new Measurement[benchmarks.size()][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < benchmarks.size(); k++) {
                results[k][round] = measure(benchmarks.get(k), batchSizes[k], seconds);
            }
        }
        for (int k = 0; k < benchmarks.size(); k++) {
            lines.add(report(benchmarks.get(k).label(), results[k]));
        }
        Path out = Path.of("target", "bench", "cost-model-bench.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, lines);
        lines.forEach(System.out::println);
        System.out.println("written to " + out.toAbsolutePath());
    }

    private static List<Line> lines(BenchFixture fixture) {
        PlacementSession session = fixture.startSession();
        Random random = new Random(2);
        String label = fixture.label();
        return List.of(
                new Line(label + ", full estimate (prepare + evaluate)", n -> {
                    double acc = 0;
                    for (long i = 0; i < n; i++) {
                        acc += fixture.fullEstimate();
                    }
                    sink = acc;
                    return n;
                }),
                new Line(label + ", evaluate prepared layout on a placement", n -> {
                    double acc = 0;
                    for (long i = 0; i < n; i++) {
                        acc += fixture.evaluatePrepared();
                    }
                    sink = acc;
                    return n;
                }),
                new Line(label + ", incremental node swap + iteration time", n -> {
                    double acc = 0;
                    for (long i = 0; i < n; i++) {
                        acc += fixture.swapNodes(session, random);
                    }
                    sink = acc;
                    return n;
                }),
                new Line(label + ", incremental GPU swap + iteration time", n -> {
                    double acc = 0;
                    for (long i = 0; i < n; i++) {
                        acc += fixture.swapGpus(session, random);
                    }
                    sink = acc;
                    return n;
                }));
    }

    /** Runs growing batches for {@code seconds}; returns the batch size for the measurements. */
    private static long warmUp(Line line, double seconds) {
        long n = 1;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            line.batch().applyAsLong(n);
            n = Math.min(n * 2, 1 << 16);
        }
        return n;
    }

    /**
     * Runs batches until {@code seconds} have passed. Throughput is per second of this thread's CPU time
     * (ThreadMXBean), so that time slices lost to other processes on a shared machine do not count; wall-clock
     * throughput is reported beside it.
     */
    private static Measurement measure(Line line, long batchSize, double seconds) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long ops = 0;
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now;
        do {
            ops += line.batch().applyAsLong(batchSize);
            now = System.nanoTime();
        } while (now < end);
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        return new Measurement(ops / cpuSeconds, ops / ((now - start) / 1e9));
    }

    /** The median of the rounds, with the range of the CPU-time figures. */
    private static String report(String label, Measurement[] rounds) {
        double[] cpu = new double[rounds.length];
        double[] wall = new double[rounds.length];
        for (int i = 0; i < rounds.length; i++) {
            cpu[i] = rounds[i].perCpuSecond();
            wall[i] = rounds[i].perWallSecond();
        }
        Arrays.sort(cpu);
        Arrays.sort(wall);
        double perCpuSecond = median(cpu);
        return String.format(
                Locale.ROOT,
                "%-66s %12.0f ops/CPU-s (%8.2f us/op)  wall %10.0f ops/s  rounds %.0f-%.0f ops/CPU-s",
                label,
                perCpuSecond,
                1e6 / perCpuSecond,
                median(wall),
                cpu[0],
                cpu[cpu.length - 1]);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
