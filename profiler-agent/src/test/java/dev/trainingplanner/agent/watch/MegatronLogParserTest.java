package dev.trainingplanner.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class MegatronLogParserTest {

    /** Sequence length 4096 as in the Mixtral run; global batch and GPUs only matter when the line lacks them. */
    private final MegatronLogParser parser = new MegatronLogParser(new RunShape(999, 4096, 16), ZoneOffset.UTC);

    @Test
    void timestampedLinesOf2024GiveIterationTimeAndTokensFromTheirOwnBatchSize() {
        List<StepSample> samples = ParsedLog.of("megatron-lm-2024-04-timestamped.real.log", parser);

        assertThat(samples).as("the last line is cut before its elapsed time").hasSize(3);
        assertThat(samples).extracting(StepSample::step).containsExactly(71L, 72L, 73L);
        StepSample first = samples.get(0);
        assertThat(first.iterationSeconds()).isCloseTo(5.3616, within(1e-12));
        assertThat(first.tokensPerSecond()).isCloseTo(128 * 4096 / 5.3616, within(1e-6));
        assertThat(first.peakMemoryBytes()).isNull();
        assertThat(first.loggedAt()).isEqualTo(Instant.parse("2024-04-06T03:02:12Z"));
    }

    @Test
    void untimestampedLinesOf2023() {
        List<StepSample> samples = ParsedLog.of("megatron-llm-2023-untimestamped.real.log", parser);

        assertThat(samples).extracting(StepSample::step).containsExactly(122L, 123L, 124L);
        assertThat(samples.get(2).iterationSeconds()).isCloseTo(89.4748, within(1e-12));
        assertThat(samples.get(2).tokensPerSecond()).isCloseTo(1024 * 4096 / 89.4748, within(1e-6));
        assertThat(samples.get(2).loggedAt()).isNull();
    }

    @Test
    void megatronDeepSpeedLinesTakeTokensFromSamplesPerSecondAndTheRestIsIgnored() {
        List<StepSample> samples = ParsedLog.of("deepspeed-2023-07-megatron-deepspeed.real.log", parser);

        assertThat(samples).as("only the 'samples/sec: ... | iteration' line").hasSize(1);
        assertThat(samples.get(0).step()).isEqualTo(34);
        assertThat(samples.get(0).iterationSeconds()).isCloseTo(4.1031, within(1e-12));
        assertThat(samples.get(0).tokensPerSecond()).isCloseTo(7.799 * 4096, within(1e-9));
    }

    @Test
    void unrelatedAndPartialLinesYieldNothing() {
        assertThat(parser.accept("")).isEmpty();
        assertThat(parser.accept(
                        " [2024-04-06 03:02:29] iteration       74/     100 | consumed samples:         9472 |"))
                .isEmpty();
        assertThat(parser.accept("time (ms) | forward: 659.86 | backward: 2164.69"))
                .isEmpty();
    }
}
