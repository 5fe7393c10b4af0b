package dev.trainingplanner.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.trainingplanner.profile.ClusterProfile.LinkProfile;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatisticsTest {

    @Test
    void percentilesInterpolateBetweenRanks() {
        List<Double> samples = List.of(5.0, 1.0, 4.0, 2.0, 3.0);

        assertThat(Percentiles.median(samples)).isEqualTo(3.0);
        assertThat(Percentiles.of(samples, 95)).isCloseTo(4.8, within(1e-9));
        assertThat(Percentiles.of(samples, 5)).isCloseTo(1.2, within(1e-9));
    }

    @Test
    void alphaBetaFitRecoversLatencyAndBandwidth() {
        // t(s) = 50 us + s / (1 Gbit/s): 1 Gbit/s = 125 bytes per microsecond.
        Map<Integer, Double> oneWayUs =
                Map.of(64, 50 + 64 / 125.0, 16384, 50 + 16384 / 125.0, 262144, 50 + 262144 / 125.0);

        LatencyBandwidthFit fit = LatencyBandwidthFit.fit(oneWayUs);

        assertThat(fit.alphaUs()).isCloseTo(50.0, within(1e-6));
        assertThat(fit.betaGbps()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void linkProfileTakesMediansAndTails() {
        LinkSamples samples = new LinkSamples(
                List.of(0.19, 0.20, 0.18, 0.21, 0.10), Map.of(64, List.of(30.0, 40.0, 35.0), 65536, List.of(500.0)));

        LinkProfile link = samples.toProfile("a", "b", Instant.EPOCH);

        assertThat(link.bandwidthGbps()).isEqualTo(0.19);
        assertThat(link.p95BandwidthGbps()).isCloseTo(0.116, within(1e-9));
        assertThat(link.latencyUs()).isEqualTo(35.0);
        assertThat(link.p95LatencyUs()).isEqualTo(39.5);
    }
}
