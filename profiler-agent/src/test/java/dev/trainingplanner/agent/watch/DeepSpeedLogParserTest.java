package dev.trainingplanner.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeepSpeedLogParserTest {

    private static final RunShape SHAPE = new RunShape(32, 2048, 8);

    private static DeepSpeedLogParser parser() {
        return new DeepSpeedLogParser(SHAPE, ZoneOffset.UTC);
    }

    @Test
    void throughputLineOf2023GivesStepTimeTokensAndPeakMemory() {
        List<StepSample> samples = ParsedLog.of("deepspeed-2023-07-megatron-deepspeed.real.log", parser());

        assertThat(samples).as("the timer line of step 35 is cut short").hasSize(1);
        StepSample step = samples.get(0);
        assertThat(step.step()).isEqualTo(34);
        assertThat(step.iterationSeconds()).isCloseTo(32 / 8.00912418308922, within(1e-12));
        assertThat(step.tokensPerSecond()).isCloseTo(8.00912418308922 * 2048, within(1e-9));
        assertThat(step.peakMemoryBytes()).isEqualTo(Math.round(63.31 * (1L << 30)));
        assertThat(step.loggedAt()).isEqualTo(Instant.parse("2023-07-25T21:03:17.269Z"));
    }

    @Test
    void theEngineStepOfTheLatestStepLineWinsOverTheTimersCount() {
        DeepSpeedLogParser parser = parser();
        List<String> lines =
                dev.trainingplanner.agent.support.Fixtures.citedLines("deepspeed-2023-07-megatron-deepspeed.real.log");
        String stepLine = lines.get(5);
        String throughputOfStep34 = lines.get(0);

        assertThat(parser.accept(stepLine)).as("a step line alone is no sample").isEmpty();
        assertThat(parser.accept(throughputOfStep34).orElseThrow().step())
                .as("after a resume the engine's step (35) and the timer's count (34) differ")
                .isEqualTo(35);
    }

    @Test
    void throughputLineOf2024() {
        List<StepSample> samples = ParsedLog.of("deepspeed-2024-07-global-step.real.log", parser());

        assertThat(samples).hasSize(1);
        assertThat(samples.get(0).step()).isEqualTo(4500);
        assertThat(samples.get(0).iterationSeconds()).isCloseTo(32 / 16.807402094161112, within(1e-12));
        assertThat(samples.get(0).peakMemoryBytes()).isEqualTo(Math.round(0.97 * (1L << 30)));
    }

    @Test
    void olderThroughputLineTakesItsStepFromThePrecedingStepLine() {
        List<StepSample> samples = ParsedLog.of("deepspeed-2022-11-local-step.real.log", parser());

        assertThat(samples).as("memory reports and engine messages are ignored").hasSize(1);
        assertThat(samples.get(0).step()).isEqualTo(2498);
        assertThat(samples.get(0).tokensPerSecond()).isCloseTo(2.2201241199743493 * 2048, within(1e-9));
    }

    @Test
    void olderThroughputLineWithoutAStepLineIsIgnored() {
        List<String> lines =
                dev.trainingplanner.agent.support.Fixtures.citedLines("deepspeed-2022-11-local-step.real.log");

        assertThat(parser().accept(lines.get(4)))
                .as("its count is of micro-steps, which is not the optimizer step under gradient accumulation")
                .isEmpty();
    }
}
