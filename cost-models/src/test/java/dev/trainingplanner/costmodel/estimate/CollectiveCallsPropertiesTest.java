package dev.trainingplanner.costmodel.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.CollectiveBuckets;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;

/** Every collective call pays its latency: smaller buckets, hence more calls, never predict a faster iteration. */
class CollectiveCallsPropertiesTest {

    private static final CostModel MODEL = new CostModel();
    private static final Cluster CLUSTER = Cluster.uniform(GpuCatalog.byName("A100-80GB"), 32, 8);
    private static final ModelSpec LLAMA = ModelPresets.byName("llama2-13b");

    record Case(Framework framework, Layout layout, int microBatch, CollectiveBuckets buckets) {}

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Framework> framework = Arbitraries.of(Framework.class);
        Arbitrary<Integer> tp = Arbitraries.of(1, 2, 8);
        Arbitrary<Integer> pp = Arbitraries.of(1, 2);
        Arbitrary<Integer> dp = Arbitraries.of(2, 4, 16);
        Arbitrary<Integer> zero = Arbitraries.integers().between(0, 3);
        Arbitrary<Recompute> recompute = Arbitraries.of(Recompute.class);
        Arbitrary<Double> bucket = Arbitraries.doubles().between(1e6, 2e9);
        Arbitrary<Boolean> cutAtBlocks = Arbitraries.of(true, false);
        return Combinators.combine(framework, tp, pp, dp, zero, recompute, bucket, cutAtBlocks)
                .as((f, t, p, d, z, r, b, cut) -> new Case(
                        f,
                        Layout.builder()
                                .tp(t)
                                .pp(p)
                                .dp(d)
                                .sequenceParallel(t > 1)
                                .recompute(r)
                                .zeroStage(p > 1 ? Math.min(z, 1) : z)
                                .build(),
                        1,
                        new CollectiveBuckets(b, b * 4, b * 2, cut)));
    }

    private static Estimate estimate(Case c, CollectiveBuckets buckets) {
        TrainingSpec training = new TrainingSpec(c.layout().dp() * 8, c.microBatch(), Precision.BF16, c.framework())
                .withBuckets(buckets);
        return MODEL.estimatePacked(LLAMA, training, CLUSTER, c.layout());
    }

    @Property(tries = 200)
    void smallerBucketsNeverPredictFaster(
            @ForAll("cases") Case c,
            @ForAll @DoubleRange(min = 0.01, max = 1) double gatherShrink,
            @ForAll @DoubleRange(min = 0.01, max = 1) double reduceShrink,
            @ForAll @DoubleRange(min = 0.01, max = 1) double allGatherShrink) {
        CollectiveBuckets larger = c.buckets();
        CollectiveBuckets smaller = new CollectiveBuckets(
                larger.gatherBucketParameters() * gatherShrink,
                larger.reduceBucketParameters() * reduceShrink,
                larger.allGatherBucketParameters() * allGatherShrink,
                larger.cutAtBlocks());

        Estimate fewerCalls = estimate(c, larger);
        Estimate moreCalls = estimate(c, smaller);

        assertThat(moreCalls.iterationTimeSeconds())
                .isGreaterThanOrEqualTo(fewerCalls.iterationTimeSeconds() * (1 - 1e-12));
        assertThat(moreCalls.breakdown().exposedDataParallelSeconds())
                .isGreaterThanOrEqualTo(fewerCalls.breakdown().exposedDataParallelSeconds() * (1 - 1e-12));
    }

    @Example
    void zero3OnTwoHundredFiftySixRanksSlowsDownWithSmallerPrefetchBuckets() {
        // 13B parameters on 256 ranks: each all-gather call pays 255 ring steps, so ten times the calls cost more.
        Layout zero3 = Layout.builder().dp(256).zeroStage(3).build();
        Case deepSpeed = new Case(Framework.DEEPSPEED, zero3, 1, CollectiveBuckets.defaults(Framework.DEEPSPEED, 256));
        CollectiveBuckets defaults = deepSpeed.buckets();
        CollectiveBuckets smallPrefetch = new CollectiveBuckets(
                defaults.gatherBucketParameters() / 10,
                defaults.reduceBucketParameters(),
                defaults.allGatherBucketParameters(),
                false);

        Estimate byDefault = estimate(deepSpeed, defaults);
        Estimate small = estimate(deepSpeed, smallPrefetch);

        assertThat(small.iterationTimeSeconds()).isGreaterThan(byDefault.iterationTimeSeconds());
        assertThat(small.breakdown().exposedParameterGatherSeconds())
                .isGreaterThan(byDefault.breakdown().exposedParameterGatherSeconds());
    }
}
