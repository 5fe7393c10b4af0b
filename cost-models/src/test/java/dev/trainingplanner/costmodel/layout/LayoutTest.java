package dev.trainingplanner.costmodel.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void expertLayersRepartitionTheDenseGpusOfAStage() {
        // Megatron-Core: tp·cp·dp = 2·1·8 = 16 GPUs per stage = etp·ep·expert-DP = 1·8·2.
        Layout layout = Layout.builder()
                .tp(2)
                .dp(8)
                .expertParallelism(ExpertParallelism.of(8, 1))
                .build();

        assertThat(layout.ep()).isEqualTo(8);
        assertThat(layout.etp()).isEqualTo(1);
        assertThat(layout.expertLayoutDivides()).isTrue();
        assertThat(layout.expertDataParallel()).isEqualTo(2);
        assertThat(Layout.builder()
                        .tp(2)
                        .dp(3)
                        .expertParallelism(ExpertParallelism.of(4, 1))
                        .build()
                        .expertLayoutDivides())
                .isFalse();
    }

    @Test
    void routingSetsTheBusiestExpertsLoad() {
        assertThat(ExpertRouting.BALANCED.busiestExpertLoad()).isEqualTo(1.0);
        assertThat(ExpertRouting.dropless(1.3).busiestExpertLoad()).isEqualTo(1.3);
        assertThat(ExpertRouting.capacity(1.25).busiestExpertLoad()).isEqualTo(1.25);
        assertThat(ExpertRouting.capacity(1.25).dropsTokens()).isTrue();
        assertThatThrownBy(() -> ExpertRouting.dropless(0.9)).hasMessageContaining("at least 1.0");
        assertThat(TokenDispatcher.parse("hierarchical")).isEqualTo(TokenDispatcher.HIERARCHICAL);
        assertThat(TokenDispatcher.ALLGATHER.externalName()).isEqualTo("allgather");
    }
}
