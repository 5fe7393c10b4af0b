package dev.trainingplanner.agent.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.trainingplanner.agent.support.Fixtures;
import org.junit.jupiter.api.Test;

class NcclTestsOutputTest {

    @Test
    void allReduceRowsAreReadByHeaderName() {
        NcclTestsOutput output = NcclTestsOutput.parse(Fixtures.text("all-reduce-perf.synthetic.txt"));

        assertThat(output.gpuCount()).isEqualTo(8);
        assertThat(output.averageBusBandwidthGBps()).isEqualTo(123.456);
        assertThat(output.rows()).hasSize(3);
        NcclTestsOutput.Row largest = output.largestMessage().orElseThrow();
        assertThat(largest.sizeBytes()).isEqualTo(33554432L);
        assertThat(largest.outOfPlaceTimeUs()).isEqualTo(195.40);
        assertThat(largest.outOfPlaceAlgBandwidthGBps()).isEqualTo(171.72);
        assertThat(largest.outOfPlaceBusBandwidthGBps()).isEqualTo(300.51);
        assertThat(largest.inPlaceBusBandwidthGBps()).isEqualTo(300.52);
        // AllReduce bus bandwidth = algbw * 2(n-1)/n (platform-notes.md §7.4): 171.72 * 1.75.
        assertThat(largest.outOfPlaceAlgBandwidthGBps() * 2 * 7 / 8)
                .isCloseTo(largest.outOfPlaceBusBandwidthGBps(), within(0.01));
    }

    @Test
    void olderLayoutWithoutRootAndWithErrorColumnIsReadToo() {
        NcclTestsOutput output = NcclTestsOutput.parse(Fixtures.text("sendrecv-perf-old-columns.synthetic.txt"));

        NcclTestsOutput.Row row = output.rows().get(0);
        assertThat(output.gpuCount()).isEqualTo(2);
        assertThat(row.outOfPlaceTimeUs()).isEqualTo(180.2);
        assertThat(row.outOfPlaceBusBandwidthGBps()).isEqualTo(186.21);
        assertThat(row.inPlaceAlgBandwidthGBps()).isEqualTo(185.38);
    }

    @Test
    void outputWithoutHeaderIsRejected() {
        assertThatThrownBy(() -> NcclTestsOutput.parse("NCCL failure common.cu:1006 'unhandled cuda error'"))
                .hasMessageContaining("no header line");
    }
}
