package dev.trainingplanner.costmodel.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.model.MlpKind;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class CostModelPropertiesTest {

    private static final CostModel MODEL = new CostModel();
    private static final int NODES = 20;

    record Case(ModelSpec model, TrainingSpec training, Layout layout) {}

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Integer> tp = Arbitraries.of(1, 2, 4, 8);
        Arbitrary<Integer> pp = Arbitraries.of(1, 2, 4);
        Arbitrary<Integer> dp = Arbitraries.of(1, 2, 4);
        Arbitrary<Integer> zero = Arbitraries.integers().between(0, 3);
        Arbitrary<Recompute> recompute = Arbitraries.of(Recompute.class);
        Arbitrary<Integer> micro = Arbitraries.of(1, 2, 4);
        Arbitrary<MlpKind> mlp = Arbitraries.of(MlpKind.class);
        Arbitrary<Boolean> flash = Arbitraries.of(true, false);
        return Combinators.combine(tp, pp, dp, zero, recompute, micro, mlp, flash)
                .as((t, p, d, z, r, b, m, f) -> {
                    ModelSpec model = new ModelSpec(
                            "m",
                            32,
                            4096,
                            m == MlpKind.GELU ? 16384 : 11008,
                            32,
                            8,
                            32000,
                            4096,
                            m,
                            m == MlpKind.GELU,
                            f);
                    Layout layout = Layout.builder()
                            .tp(t)
                            .pp(p)
                            .dp(d)
                            .sequenceParallel(t > 1)
                            .recompute(r)
                            .zeroStage(z)
                            .build();
                    return new Case(model, new TrainingSpec(b * d * 8, b, Precision.BF16), layout);
                });
    }

    private static Cluster cluster() {
        return Cluster.uniform(GpuCatalog.byName("H100-80GB"), NODES, 8);
    }

    private static double time(Case c, Cluster cluster) {
        return MODEL.estimatePacked(c.model(), c.training(), cluster, c.layout())
                .iterationTimeSeconds();
    }

    @Property(tries = 150)
    void moreBandwidthOnAnyLinkNeverSlowsALayout(
            @ForAll("cases") Case c,
            @ForAll @IntRange(min = 0, max = NODES - 1) int nodeA,
            @ForAll @IntRange(min = 0, max = NODES - 1) int nodeB,
            @ForAll @IntRange(min = 0, max = 7) int gpuA,
            @ForAll @IntRange(min = 0, max = 7) int gpuB,
            @ForAll @IntRange(min = 1, max = 1000) int bandwidthGBps) {
        Cluster slower = cluster();
        Cluster.Builder faster = slower.toBuilder();
        Cluster.Builder slowerBuilder = slower.toBuilder();
        if (nodeA != nodeB) {
            slowerBuilder.interLink(nodeA, nodeB, bandwidthGBps * 1e9, 1e-5);
            faster.interLink(nodeA, nodeB, bandwidthGBps * 2e9, 1e-5);
        } else if (gpuA != gpuB) {
            slowerBuilder.intraLink(nodeA, gpuA, gpuB, bandwidthGBps * 1e9, 5e-6);
            faster.intraLink(nodeA, gpuA, gpuB, bandwidthGBps * 2e9, 5e-6);
        } else {
            slowerBuilder.nodeNetworkBandwidth(nodeA, bandwidthGBps * 1e9);
            faster.nodeNetworkBandwidth(nodeA, bandwidthGBps * 2e9);
        }
        assertThat(time(c, faster.build())).isLessThanOrEqualTo(time(c, slowerBuilder.build()) * (1 + 1e-12));
    }

    @Property(tries = 100)
    void aLinkTheLayoutDoesNotUseDoesNotChangeIt(
            @ForAll("cases") Case c, @ForAll @IntRange(min = 1, max = 200) int gbps) {
        int world = c.layout().worldSize();
        Cluster base = cluster();
        // Links among nodes beyond the packed placement, and between GPUs of the last node, are unused when the layout
        // needs fewer nodes.
        int nodesUsed = Math.max(1, world / 8);
        Cluster.Builder degraded = base.toBuilder();
        if (nodesUsed + 1 < NODES) {
            degraded.interLink(nodesUsed, nodesUsed + 1, gbps * 1e6, 1e-3);
        }
        if (nodesUsed < NODES) {
            degraded.intraLink(NODES - 1, 0, 1, gbps * 1e6, 1e-3);
            degraded.interLink(0, NODES - 1, gbps * 1e6, 1e-3);
        }
        if (world < 8) {
            degraded.intraLink(0, 6, 7, gbps * 1e6, 1e-3);
        }
        assertThat(time(c, degraded.build())).isEqualTo(time(c, base));
    }

    @Property(tries = 100)
    void fullRecomputeStoresNoMoreThanSelectiveWhichStoresNoMoreThanNone(@ForAll("cases") Case c) {
        double full = activations(c, Recompute.FULL);
        double selective = activations(c, Recompute.SELECTIVE);
        double none = activations(c, Recompute.NONE);
        assertThat(full).isLessThanOrEqualTo(selective);
        assertThat(selective).isLessThanOrEqualTo(none);
    }

    private static double activations(Case c, Recompute recompute) {
        Layout layout = c.layout().toBuilder().recompute(recompute).build();
        PreparedLayout prepared = MODEL.prepare(c.model(), c.training(), cluster(), layout);
        double max = 0;
        for (StageMemory s : prepared.stageMemory()) {
            max = Math.max(max, s.activationsBytes());
        }
        return max;
    }

    @Property(tries = 100)
    void higherZeroStageNeverHoldsMoreModelState(@ForAll("cases") Case c) {
        double previous = Double.POSITIVE_INFINITY;
        for (int stage = 0; stage <= 3; stage++) {
            Layout layout = c.layout().toBuilder().zeroStage(stage).build();
            PreparedLayout prepared = MODEL.prepare(c.model(), c.training(), cluster(), layout);
            double states = 0;
            for (StageMemory s : prepared.stageMemory()) {
                states = Math.max(
                        states,
                        s.weightsBytes()
                                + s.gradientsBytes()
                                + s.optimizerStatesBytes()
                                - transientZero3(prepared, s, stage));
            }
            assertThat(states).as("stage %d", stage).isLessThanOrEqualTo(previous * (1 + 1e-12));
            previous = states;
        }
    }

    /** The ZeRO-3 working set (gathered units) is not a model state; it is reported with the weights. */
    private static double transientZero3(PreparedLayout prepared, StageMemory s, int stage) {
        if (stage < 3) {
            return 0;
        }
        ModelSpec m = prepared.model();
        int tp = prepared.layout().tp();
        double unit = Math.max(
                (double) m.parametersOfLayer(0) / tp,
                (s.stage() == 0 || s.stage() == prepared.layout().pp() - 1)
                        ? (double) m.paddedVocabulary(tp) * m.hiddenSize() / tp
                        : 0);
        double pipelined = prepared.layout().pp() > 1 ? prepared.stageParameters[s.stage()] * 6 : 0;
        return unit * 8 + pipelined;
    }

    @Property(tries = 30)
    void aDegradedLinkChangesExactlyTheLayoutsThatUseIt(@ForAll @IntRange(min = 0, max = 1000) int seed) {
        Random random = new Random(seed);
        Cluster base = cluster();
        ModelSpec model = new ModelSpec("m", 32, 4096, 11008, 32, 8, 32000, 4096, MlpKind.SWIGLU, false, true);
        TrainingSpec training = new TrainingSpec(64, 1, Precision.BF16);
        // TP 8 inside each node, pipeline across nodes: the node pair (0 -> 1) carries stage 0 -> 1 activations.
        Layout pipelined = Layout.builder().tp(8).pp(4).sequenceParallel(true).build();
        Cluster degraded = base.toBuilder()
                .interLink(0, 1, 1e8 + random.nextInt(100) * 1e6, 1e-4)
                .build();
        assertThat(MODEL.estimatePacked(model, training, degraded, pipelined).iterationTimeSeconds())
                .isGreaterThan(
                        MODEL.estimatePacked(model, training, base, pipelined).iterationTimeSeconds());
        // The same link reversed (1 -> 0) carries the gradients back: also used. A link 2 -> 0 is not used.
        Cluster unused = base.toBuilder().interLink(2, 0, 1e8, 1e-4).build();
        assertThat(MODEL.estimate(model, training, unused, pipelined, Placement.packed(base, 4, 8))
                        .iterationTimeSeconds())
                .isEqualTo(
                        MODEL.estimatePacked(model, training, base, pipelined).iterationTimeSeconds());
    }
}
