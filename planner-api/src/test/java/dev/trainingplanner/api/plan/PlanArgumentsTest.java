package dev.trainingplanner.api.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainingplanner.costmodel.training.Framework;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanArgumentsTest {

    private static List<String> required(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--cluster",
                "c.json",
                "--model",
                "llama2-7b",
                "--global-batch",
                "64",
                "--seq-len",
                "4096",
                "--gpus",
                "16",
                "--out",
                "p.json"));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void parsesEveryOption() {
        PlanArguments a = PlanArguments.parse(required(
                "--framework",
                "deepspeed",
                "--seed",
                "7",
                "--time-limit",
                "2m",
                "--headroom",
                "0.1",
                "--top",
                "3",
                "--exclude-nodes",
                "n1,n2",
                "--exclude-gpus",
                "n3:0",
                "--zero-stages",
                "0,3",
                "--ep",
                "8,16",
                "--no-zero-plus-plus",
                "--tp-across-nodes",
                "--gradient-coding",
                "--ladder-fraction",
                "0.25",
                "--micro-batch",
                "2..4",
                "--precision",
                "fp8",
                "--layout-pool",
                "12"));

        assertThat(a.framework()).isEqualTo(Framework.DEEPSPEED);
        assertThat(a.options().seed()).isEqualTo(7);
        assertThat(a.options().timeLimit()).isEqualTo(Duration.ofMinutes(2));
        assertThat(a.options().steps()).isNull();
        assertThat(a.options().headroomFraction()).isEqualTo(0.1);
        assertThat(a.options().topK()).isEqualTo(3);
        assertThat(a.excludedNodes()).containsExactly("n1", "n2");
        assertThat(a.excludedGpus()).containsExactly("n3:0");
        assertThat(a.options().zeroStages()).containsExactlyInAnyOrder(0, 3);
        assertThat(a.options().expertParallelSizes()).containsExactlyInAnyOrder(8, 16);
        assertThat(a.options().allowZeroPlusPlus()).isFalse();
        assertThat(a.options().tensorParallelAcrossNodes()).isTrue();
        assertThat(a.options().allowGradientCoding()).isTrue();
        assertThat(a.options().maxLadderFraction()).isEqualTo(0.25);
        assertThat(a.options().minMicroBatch()).isEqualTo(2);
        assertThat(a.options().maxMicroBatch()).isEqualTo(4);
        assertThat(a.options().layoutPoolSize()).isEqualTo(12);
    }

    @Test
    void durationsInSeveralForms() {
        assertThat(PlanArguments.duration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(PlanArguments.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(PlanArguments.duration("PT1M")).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> PlanArguments.duration("soon")).hasMessageContaining("--time-limit must look like");
        assertThatThrownBy(() -> PlanArguments.duration("0s")).hasMessageContaining("--time-limit must be positive");
    }

    @Test
    void specificMessagesForBadArguments() {
        assertThatThrownBy(() -> PlanArguments.parse(List.of("--cluster", "c.json")))
                .hasMessage("missing required option --model");
        assertThatThrownBy(() -> PlanArguments.parse(required("--steps", "10", "--time-limit", "5s")))
                .hasMessage("give either --steps or --time-limit, not both");
        assertThatThrownBy(() -> PlanArguments.parse(required("--headroom", "1.5")))
                .hasMessage("--headroom must be between 0 and 1 (exclusive), got 1.5");
        assertThatThrownBy(() -> PlanArguments.parse(required("--gpus", "x"))).hasMessage("--gpus is given twice");
        assertThatThrownBy(() -> PlanArguments.parse(required("--wat"))).hasMessage("unknown option '--wat'");
        assertThatThrownBy(() -> PlanArguments.parse(required("--ep", "8,0")))
                .hasMessage("--ep must list expert-parallel degrees from 1 to 4096, got '8,0'");
        assertThatThrownBy(() -> PlanArguments.parse(required("--micro-batch", "4..2")))
                .hasMessageContaining("--micro-batch must be N or MIN..MAX");
    }
}
