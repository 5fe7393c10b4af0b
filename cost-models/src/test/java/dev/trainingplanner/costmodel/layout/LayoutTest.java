package dev.trainingplanner.costmodel.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Stage splits and the gradient-coding parameters a plan reports. */
class LayoutTest {

    @Test
    void evenSplitGivesTheRemainderToTheMiddleStages() {
        assertThat(Layout.evenStageSplit(80, 4)).containsExactly(20, 20, 20, 20);
        // 30 = 4·7 + 2: the two extra layers go to stages 1 and 2, not to the embedding or output stage.
        assertThat(Layout.evenStageSplit(30, 4)).containsExactly(7, 8, 8, 7);
        assertThat(Layout.evenStageSplit(7, 3)).containsExactly(2, 3, 2);
    }

    @Test
    void explicitSplitDecidesWhichStageHoldsALayer() {
        Layout layout =
                Layout.builder().pp(4).stageLayerCounts(List.of(19, 21, 21, 19)).build();

        assertThat(layout.layersPerStage(80)).containsExactly(19, 21, 21, 19);
        assertThat(layout.stageOfLayer(18, 80)).isZero();
        assertThat(layout.stageOfLayer(19, 80)).isEqualTo(1);
        assertThat(layout.stageOfLayer(60, 80)).isEqualTo(2);
        assertThat(layout.stageOfLayer(61, 80)).isEqualTo(3);
        assertThat(Layout.builder().pp(4).build().stageOfLayer(20, 80)).isEqualTo(1);
    }

    @Test
    void codingParametersAndDelays() {
        assertThat(GradientCoding.fractionalRepetition(2).parameters()).isEqualTo("s=2");
        assertThat(GradientCoding.multiplexed(1, 7, 4).parameters()).isEqualTo("B=1,W=7,lambda=4");
        // Delays of cost-models.md §8.2: B for SR-SGC, W−2+B for M-SGC, none for one-round codes.
        assertThat(GradientCoding.selectiveRepeat(2, 5, 3).delayRounds()).isEqualTo(2);
        assertThat(GradientCoding.multiplexed(1, 7, 4).delayRounds()).isEqualTo(6);
        assertThat(GradientCoding.cyclicRepetition(3).delayRounds()).isZero();
        assertThat(GradientCoding.multiplexed(1, 7, 4).isSequential()).isTrue();
        assertThat(GradientCoding.cyclicRepetition(3).isSequential()).isFalse();
    }
}
