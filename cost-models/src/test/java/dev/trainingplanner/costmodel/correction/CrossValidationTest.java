package dev.trainingplanner.costmodel.correction;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Issue 16, item 6: leave-one-out cross-validation of the per-cluster corrections on the published runs. */
class CrossValidationTest {

    @Test
    void correctionLowersTheLeftOutErrorAndNoSweepGetsWorseByMoreThanTwoPoints() throws Exception {
        CrossValidation.Result result = CrossValidation.run();
        Path directory = Path.of("target/cross-validation");
        CrossValidation.write(result, directory);
        System.out.print(CrossValidation.report(result));

        assertThat(result.sweeps()).hasSizeGreaterThanOrEqualTo(10);
        assertThat(result.skipped()).allSatisfy(s -> assertThat(s.reason()).isNotBlank());
        assertThat(result.overall().after()).isLessThan(result.overall().before());
        assertThat(result.sweeps()).allSatisfy(s -> assertThat(s.after() - s.before())
                .as("median left-out error of sweep %s rises by at most 2 points", s.sweep())
                .isLessThanOrEqualTo(0.02));
        assertThat(Files.readString(directory.resolve("cross-validation.csv")).lines())
                .hasSize(result.predictions().size() + 1);
    }
}
