package dev.trainingplanner.agent.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.trainingplanner.agent.gpu.CommandRunner;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComputeBenchmarkTest {

    @Test
    void slowRoundsGiveProbabilityAndSlowdown() {
        List<Double> seconds = List.of(1.0, 1.0, 1.1, 0.9, 1.0, 1.0, 1.0, 1.0, 2.0, 1.6);

        StragglerStatistics statistics = StragglerStatistics.of(seconds, 1.2);

        assertThat(statistics.medianSeconds()).isEqualTo(1.0);
        assertThat(statistics.slowProbability()).isEqualTo(0.2);
        assertThat(statistics.slowdown()).isCloseTo(1.8, within(1e-9));
    }

    @Test
    void steadyRoundsHaveNoSlowdown() {
        StragglerStatistics statistics = StragglerStatistics.of(List.of(1.0, 1.05, 0.98), 1.2);

        assertThat(statistics.slowProbability()).isZero();
        assertThat(statistics.slowdown()).isEqualTo(1.0);
    }

    @Test
    void cpuBenchmarkTimesEveryRound() {
        List<Double> seconds = new CpuMatrixBenchmark().roundSeconds(3, 0);

        assertThat(seconds).hasSize(3).allSatisfy(round -> assertThat(round).isPositive());
    }

    @Test
    void externalCommandPrintsOneDurationPerLine() throws Exception {
        ExternalComputeCommand command = new ExternalComputeCommand(
                new CommandRunner(), "echo '# gemm 8192'; echo 0.25; echo 0.5", Duration.ofSeconds(10));

        assertThat(command.roundSeconds(2, 0)).containsExactly(0.75, 0.75);
    }

    @Test
    void externalCommandErrorsAreSpecific() {
        CommandRunner runner = new CommandRunner();
        assertThatThrownBy(() ->
                        new ExternalComputeCommand(runner, "echo fast", Duration.ofSeconds(10)).roundSeconds(1, 0))
                .hasMessageContaining("printed 'fast'; expected one duration in seconds per line");
        assertThatThrownBy(() -> new ExternalComputeCommand(runner, "echo oops >&2; exit 5", Duration.ofSeconds(10))
                        .roundSeconds(1, 0))
                .hasMessage("--compute-command exited with 5: oops");
        assertThatThrownBy(() -> new ExternalComputeCommand(runner, "true", Duration.ofSeconds(10)).roundSeconds(1, 0))
                .hasMessage("--compute-command printed no durations");
    }
}
