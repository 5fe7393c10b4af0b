package dev.trainingplanner.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TorchtitanLogParserTest {

    /** 64 GPUs, 256 sequences of 8192 tokens per step. */
    private final TorchtitanLogParser parser = new TorchtitanLogParser(new RunShape(256, 8192, 64), ZoneOffset.UTC);

    @Test
    void linesOf2025WithoutGradNorm() {
        List<StepSample> samples = ParsedLog.of("torchtitan-2025-06.real.log", parser);

        assertThat(samples)
                .as("GC and profiler lines are ignored")
                .extracting(StepSample::step)
                .containsExactly(200L, 210L);
        StepSample first = samples.get(0);
        assertThat(first.tokensPerSecond()).isEqualTo(5_856.0 * 64);
        assertThat(first.iterationSeconds()).isCloseTo(256.0 * 8192 / (5_856.0 * 64), within(1e-12));
        assertThat(first.peakMemoryBytes()).isEqualTo(Math.round(49.66 * (1L << 30)));
        assertThat(first.loggedAt()).isEqualTo(Instant.parse("2025-06-16T22:30:50.322Z"));
    }

    @Test
    void linesOf2026WithGradNormFromEveryRank() {
        List<StepSample> samples = ParsedLog.of("torchtitan-2026-02-all-ranks.real.log", parser);

        assertThat(samples)
                .as("every rank's line is read; the last line is cut before its memory")
                .extracting(StepSample::step)
                .containsExactly(4L, 4L, 4L, 5L);
        assertThat(samples.get(2).tokensPerSecond()).isEqualTo(10_049.0 * 64);
        assertThat(samples.get(3).peakMemoryBytes()).isEqualTo(Math.round(66.91 * (1L << 30)));
    }

    @Test
    void linesWithTheRankPrefixOf2026() {
        List<StepSample> samples = ParsedLog.of("torchtitan-2026-05-rank-prefix.real.log", parser);

        assertThat(samples).extracting(StepSample::step).containsExactly(14L, 15L);
        assertThat(samples.get(0).tokensPerSecond()).isEqualTo(7_282.0 * 64);
        assertThat(samples.get(0).peakMemoryBytes()).isEqualTo(Math.round(9.46 * (1L << 30)));
    }

    @Test
    void colouredLinesAreReadAndValidationLinesAreNot() {
        // The ANSI codes metrics.py wraps around each field when colour printing is on (utils.Color).
        String coloured =
                "[titan] 2026-05-18 16:04:46,338 - root - INFO - \u001B[31mstep: 14  \u001B[32mloss:  3.24405  "
                        + "\u001B[33mgrad_norm:  0.8319  \u001B[36mmemory:  9.46GiB(64.99%)  \u001B[34mtps: 7,282  "
                        + "\u001B[36mtflops: 0.52  \u001B[35mmfu: 0.17%\u001B[39m";
        assertThat(parser.accept(coloured).orElseThrow().step()).isEqualTo(14);
        // MetricsProcessor.log_validation's line: "validate step: {step:2}  loss: ...  memory: ...  tps: ...".
        assertThat(parser.accept("[titan] 2026-05-18 16:04:46,338 - root - INFO - validate step: 14  loss:  3.1000  "
                        + "memory:  9.46GiB(64.99%)  tps: 7,282"))
                .isEmpty();
    }
}
