package dev.trainingplanner.engine.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class StageSplitsTest {

    @Test
    void llama405bOnSixteenStagesGetsLighterEndStages() {
        // 126 layers over 16 stages, as Llama 3 405B was trained: 7 + 14 x 8 + 7.
        List<Integer> split = StageSplits.lighterEnds(126, 16, 1);

        assertThat(split).hasSize(16).startsWith(7).endsWith(7);
        assertThat(split.subList(1, 15)).containsOnly(8);
    }

    @Test
    void twoStagesGiveTheOddLayerToTheFirstStage() {
        assertThat(StageSplits.lighterEnds(63, 2, 1)).containsExactly(32, 31);
    }

    @Test
    void interleavedSplitsKeepEveryStageAMultipleOfTheChunks() {
        assertThat(StageSplits.lighterEnds(126, 16, 2))
                .allSatisfy(count -> assertThat(count % 2).isZero());
        assertThat(StageSplits.lighterEnds(126, 16, 4)).isEmpty();
    }

    @Test
    void tooFewLayersForTheStagesHaveNoSplit() {
        assertThat(StageSplits.lighterEnds(10, 9, 1)).isEmpty();
    }

    @Test
    void aSplitIsFoundExactlyWhenEqualMiddleStagesWithNoHeavierEndsExist() {
        for (int layers = 2; layers <= 200; layers++) {
            for (int pp = 2; pp <= Math.min(64, layers); pp++) {
                List<Integer> split = StageSplits.lighterEnds(layers, pp, 1);
                assertThat(split.isEmpty()).as("%d layers, pp %d", layers, pp).isEqualTo(!lighterEndsExist(layers, pp));
                if (split.isEmpty()) {
                    continue;
                }
                assertThat(split).hasSize(pp).allSatisfy(count -> assertThat(count)
                        .isPositive());
                assertThat(split.stream().mapToInt(Integer::intValue).sum()).isEqualTo(layers);
                if (pp > 2) {
                    int middle = split.get(1);
                    assertThat(split.subList(1, pp - 1)).containsOnly(middle);
                    assertThat(Collections.max(List.of(split.get(0), split.get(pp - 1))))
                            .isLessThanOrEqualTo(middle);
                }
            }
        }
    }

    /** Brute force: some middle size m and end sizes 1..m (any sizes for pp 2) that sum to the layers. */
    private static boolean lighterEndsExist(int layers, int pp) {
        if (pp == 2) {
            return true;
        }
        for (int middle = 1; middle * (pp - 2) < layers; middle++) {
            int ends = layers - middle * (pp - 2);
            if (ends >= 2 && ends <= 2 * middle) {
                return true;
            }
        }
        return false;
    }
}
