package dev.trainingplanner.costmodel.bench;

import dev.trainingplanner.costmodel.estimate.PlacementSession;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmark of the cost model, run on demand with the {@code jmh} Maven profile (see the module README, "Speed"):
 * estimates per second on one thread for the 512-GPU and 16,384-GPU clusters of {@link BenchFixture}, full estimate
 * (prepare + evaluate), evaluation of a prepared layout, and incremental re-evaluation after a node or a GPU swap, plus
 * the same baseline pass as {@link CostModelBench} so that runs on machines of other speeds or loads compare by ratio.
 * Short settings (one fork, 3 × 1 s warm-up, 5 × 1 s measurement) keep a run to about two minutes.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CostModelJmh {

    /** The fixture of one cluster size, and a session per trial that the swap benchmarks mutate. */
    @State(Scope.Thread)
    public static class OnCluster {

        @Param({"64", "2048"})
        int nodes;

        BenchFixture fixture;
        PlacementSession session;
        Random random;

        @Setup(Level.Trial)
        public void setUp() {
            fixture = BenchFixture.of(nodes);
            session = fixture.startSession();
            random = new Random(2);
        }
    }

    /** The baseline's values and the result of the previous pass (each pass depends on it). */
    @State(Scope.Thread)
    public static class Baseline {

        final double[] values = BenchFixture.baselineValues();
        double previous;
    }

    @Benchmark
    public double baselinePass(Baseline baseline) {
        baseline.previous = BenchFixture.baselinePass(baseline.values, baseline.previous);
        return baseline.previous;
    }

    @Benchmark
    public double fullEstimate(OnCluster on) {
        return on.fixture.fullEstimate();
    }

    @Benchmark
    public double evaluatePrepared(OnCluster on) {
        return on.fixture.evaluatePrepared();
    }

    @Benchmark
    public double nodeSwap(OnCluster on) {
        return on.fixture.swapNodes(on.session, on.random);
    }

    @Benchmark
    public double gpuSwap(OnCluster on) {
        return on.fixture.swapGpus(on.session, on.random);
    }
}
