package dev.trainingplanner.costmodel.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.costmodel.estimate.CostModel;
import org.junit.jupiter.api.Test;

/** Runs the calibration file through the model; fails if either median error exceeds 15%. */
class CalibrationTest {

    @Test
    void medianErrorsOnTheCalibrationFileStayWithin15Percent() {
        CalibrationCases.Summary summary = CalibrationCases.run(new CostModel());
        System.out.printf(
                "calibration: time MdAPE %.1f%% on %d rows, peak memory MdAPE %.1f%% on %d rows, %d rows not estimated%n",
                100 * summary.timeMdape(),
                summary.timeCount(),
                100 * summary.memoryMdape(),
                summary.memoryCount(),
                summary.errors());
        assertThat(summary.timeCount()).isGreaterThan(50);
        assertThat(summary.memoryCount()).isGreaterThan(10);
        assertThat(summary.errors()).isZero();
        assertThat(summary.timeMdape()).isLessThanOrEqualTo(0.15);
        assertThat(summary.memoryMdape()).isLessThanOrEqualTo(0.15);
    }
}
