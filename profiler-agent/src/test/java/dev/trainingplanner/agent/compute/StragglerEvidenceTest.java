package dev.trainingplanner.agent.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StragglerEvidenceTest {

    @Test
    void theBinomialTailMatchesItsClosedForm() {
        // P(X >= 5) for X ~ Bin(30, 0.05), computed independently: 0.0156355.
        assertThat(StragglerEvidence.upperTail(30, 5, 0.05)).isCloseTo(0.0156355, within(1e-6));
        assertThat(StragglerEvidence.upperTail(30, 0, 0.05)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void aNodeIsSlowOnlyWithEnoughRoundsAndSignificantlyManySlowOnes() {
        assertThat(StragglerEvidence.significant(3, 30)).as("10%: jitter").isFalse();
        assertThat(StragglerEvidence.significant(5, 30)).as("p = 0.016 > 0.01").isFalse();
        assertThat(StragglerEvidence.significant(6, 30)).isTrue();
        assertThat(StragglerEvidence.significant(10, 19)).as("too few rounds").isFalse();
        assertThat(StragglerEvidence.significant(100, 2000))
                .as("5% of many rounds is the background")
                .isFalse();
    }
}
