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
import java.util.Random;

/**
 * What both benchmarks ({@link CostModelBench} and the JMH benchmark of the {@code jmh} profile) measure: a layout on a
 * cluster of H100 nodes of 8 GPUs with measured links (each node's link to the next node of the ring, and one GPU pair
 * on every 7th node), on the packed placement. 64 nodes: Llama-3-70B at tp 8, pp 4 (2 virtual stages), dp 16; 2,048
 * nodes: Llama-3.1-405B at tp 8, pp 16, dp 128; both with SP, selective recompute and ZeRO-1.
 */
public final class BenchFixture {

    /** The two cluster sizes of the issue: 512 and 16,384 GPUs. */
    public static final int SMALL_NODES = 64;

    public static final int LARGE_NODES = 2048;
    public static final int GPUS_PER_NODE = 8;
    /** GPUs of the baseline pass (the small cluster). */
    public static final int BASELINE_GPUS = SMALL_NODES * GPUS_PER_NODE;

    public final int nodes;
    public final ModelSpec model;
    public final TrainingSpec training;
    public final Cluster cluster;
    public final Layout layout;
    public final CostModel costModel = new CostModel();
    public final Placement packed;
    public final PreparedLayout prepared;

    private BenchFixture(int nodes, Layout layout, ModelSpec model) {
        this.nodes = nodes;
        this.model = model;
        this.layout = layout;
        this.training = new TrainingSpec(layout.dp() * 32, 1, Precision.BF16);
        this.cluster =
                withMeasuredLinks(Cluster.uniform(GpuCatalog.byName("H100-80GB"), nodes, GPUS_PER_NODE), new Random(1));
        this.packed = Placement.packed(cluster, nodes, GPUS_PER_NODE);
        this.prepared = costModel.prepare(model, training, cluster, layout);
    }

    /** The fixture of {@link #SMALL_NODES} or {@link #LARGE_NODES} nodes. */
    public static BenchFixture of(int nodes) {
        return switch (nodes) {
            case SMALL_NODES -> new BenchFixture(
                    nodes,
                    Layout.builder()
                            .tp(8)
                            .pp(4)
                            .dp(16)
                            .virtualStages(2)
                            .sequenceParallel(true)
                            .recompute(Recompute.SELECTIVE)
                            .zeroStage(1)
                            .build(),
                    ModelPresets.byName("llama3-70b"));
            case LARGE_NODES -> new BenchFixture(
                    nodes,
                    Layout.builder()
                            .tp(8)
                            .pp(16)
                            .dp(128)
                            .sequenceParallel(true)
                            .recompute(Recompute.SELECTIVE)
                            .zeroStage(1)
                            .build(),
                    ModelPresets.byName("llama3.1-405b"));
            default -> throw new IllegalArgumentException(
                    "benchmarks use " + SMALL_NODES + " or " + LARGE_NODES + " nodes, not " + nodes);
        };
    }

    public String label() {
        return nodes + " nodes / " + nodes * GPUS_PER_NODE + " GPUs";
    }

    /** Full estimate: prepare the layout, then evaluate it on the packed placement. */
    public double fullEstimate() {
        return costModel.estimate(model, training, cluster, layout, packed).iterationTimeSeconds();
    }

    /** Evaluate the prepared layout on the packed placement. */
    public double evaluatePrepared() {
        return prepared.evaluate(packed).iterationTimeSeconds();
    }

    /** An incremental session on the packed placement, for node and GPU swaps. */
    public PlacementSession startSession() {
        return prepared.start(packed);
    }

    /** Swaps two random node positions and reads the iteration time. */
    public double swapNodes(PlacementSession session, Random random) {
        session.swapNodes(random.nextInt(nodes), random.nextInt(nodes));
        return session.iterationTimeSeconds();
    }

    /** Swaps two random GPU positions of a random node and reads the iteration time. */
    public double swapGpus(PlacementSession session, Random random) {
        session.swapGpus(random.nextInt(nodes), random.nextInt(GPUS_PER_NODE), random.nextInt(GPUS_PER_NODE));
        return session.iterationTimeSeconds();
    }

    /** Four doubles per GPU of {@link #BASELINE_GPUS} GPUs, for {@link #baselinePass}. */
    public static double[] baselineValues() {
        double[] values = new double[BASELINE_GPUS * 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 1e-3;
        }
        return values;
    }

    /**
     * The baseline that both benchmarks measure in the same run, so that runs on machines of other speeds or loads
     * compare by ratio: one pass of max/add over {@code values}, depending on the previous pass's result.
     */
    public static double baselinePass(double[] values, double previous) {
        double max = 0;
        for (double v : values) {
            max = Math.max(max, v + previous * 1e-12);
        }
        return previous + max;
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
}
