package dev.trainingplanner.costmodel.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Hand-derived numbers for collectives (cost-models.md §4.2) and gradient coding (§8.3). */
class CommunicationAndCodingTest {

    @Test
    void ringAllReduceOfOneGigabyteOverEightRanks() {
        // 2(n−1)α + 2(n−1)/n · S/B = 14 · 5 µs + 1.75 · 1e9 / 1e11
        assertThat(CollectiveTime.allReduce(8, 1e9, 100e9, 5e-6)).isCloseTo(0.01757, within(1e-9));
        assertThat(CollectiveTime.allGather(8, 1e9, 100e9, 5e-6)).isCloseTo(0.008785, within(1e-9));
        assertThat(CollectiveTime.allReduce(1, 1e9, 100e9, 5e-6)).isZero();
        assertThat(CollectiveTime.pointToPoint(1e6, 1e9, 1e-5)).isCloseTo(0.00101, within(1e-12));
    }

    @Test
    void bernoulliExpectedTimes() {
        // n = 4, p = 0.1, k = 3, C = 1
        assertThat(GradientCodingTime.bernoulliUncoded(1, 4, 0.1, 3)).isCloseTo(0.25 * (1 + 2 * 0.3439), within(1e-12));
        assertThat(GradientCodingTime.bernoulliFractional(1, 4, 1, 0.1, 3))
                .isCloseTo(0.5 * (1 + 2 * 0.0199), within(1e-12));
        assertThat(GradientCodingTime.binomialTailAbove(4, 0.1, 1)).isCloseTo(0.0523, within(1e-12));
        assertThat(GradientCodingTime.bernoulliCyclic(1, 4, 1, 0.1, 3))
                .isCloseTo(0.5 * (1 + 2 * 0.0523), within(1e-12));
    }

    @Test
    void shiftedExponentialExpectedTimes() {
        double h4 = 1 + 0.5 + 1.0 / 3 + 0.25;
        assertThat(GradientCodingTime.harmonic(4)).isCloseTo(h4, within(1e-15));
        assertThat(GradientCodingTime.shiftedExponentialUncoded(1, 4, 1, 1)).isCloseTo(0.25 * (1 + h4), within(1e-12));
        assertThat(GradientCodingTime.shiftedExponentialCoded(1, 4, 1, 1, 1))
                .isCloseTo(0.5 * (1 + h4 - 1), within(1e-12));
    }

    @Test
    void sequentialCodingLoads() {
        // SR-SGC: s = ceil(Bλ/(W−1+B)); M-SGC with B = 1, W = 2: 2(λ+1)/(λ+2)
        assertThat(GradientCodingTime.selectiveRepeatStragglers(1, 3, 4)).isEqualTo(2);
        assertThat(GradientCodingTime.multiplexedLoadTimesN(16, 1, 2, 2)).isCloseTo(2.0 * 3 / 4, within(1e-12));
    }

    @Test
    void sequentialCodingWindowConformance() {
        // Two workers, p = 0.1, B = 1, W = 2, λ = 1: each worker is clean (0.81) or straggles once (2·0.1·0.9 = 0.18);
        // straggling twice breaks the burst rule. Conforming: 0.81² + 2·0.18·0.81 = 0.9477.
        assertThat(GradientCodingTime.sequentialWindowConforms(2, 0.1, 1, 2, 1)).isCloseTo(0.9477, within(1e-12));
        // One worker, B = 2, W = 3: clean 0.729, one round 3·0.1·0.81 = 0.243, two adjacent rounds 2·0.01·0.9 = 0.018;
        // rounds 1 and 3 (span 3) and all three break the rule.
        assertThat(GradientCodingTime.sequentialWindowConforms(1, 0.1, 2, 3, 1)).isCloseTo(0.99, within(1e-12));
        // λ = 0 tolerates nobody: only windows without any straggler conform.
        assertThat(GradientCodingTime.sequentialWindowConforms(3, 0.1, 1, 2, 0))
                .isCloseTo(Math.pow(0.81, 3), within(1e-12));
        assertThat(GradientCodingTime.sequentialWindowConforms(8, 0.0, 1, 5, 1)).isEqualTo(1.0);
    }
}
