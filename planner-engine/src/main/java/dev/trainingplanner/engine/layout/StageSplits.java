package dev.trainingplanner.engine.layout;

import java.util.ArrayList;
import java.util.List;

/**
 * Pipeline stage splits that Megatron-LM can launch with {@code --decoder-first-pipeline-num-layers} and {@code
 * --decoder-last-pipeline-num-layers} (and torchtitan with its split points): the first and last stages take their own
 * layer counts, the middle stages share the rest equally. The first stage also runs the embedding and the last the
 * output layer and loss (cost-models.md §5.1 generalised to uneven stages), so when the layers do not divide evenly
 * the ends are made lighter, not the middle.
 */
public final class StageSplits {

    private StageSplits() {}

    /**
     * first, then the middle stages equally, then last; empty when the middle layers do not divide equally or a
     * stage would be left without layers.
     */
    public static List<Integer> withEnds(int layers, int pp, int first, int last) {
        int middle = layers - first - last;
        int middleStages = pp - 2;
        if (first < 1
                || last < 1
                || (middleStages == 0 ? middle != 0 : middle < middleStages || middle % middleStages != 0)) {
            return List.of();
        }
        List<Integer> split = new ArrayList<>(pp);
        split.add(first);
        for (int i = 0; i < middleStages; i++) {
            split.add(middle / middleStages);
        }
        split.add(last);
        return split;
    }

    /**
     * The split for {@code pp} stages of a model whose {@code layers} are not divisible by {@code pp·chunks}: middle
     * stages of ⌈layers / pp⌉ (rounded up to a multiple of {@code chunks}), the two end stages sharing the remainder (the first one taking the odd chunk, since the last also runs the output
     * layer and loss). Every stage's count is a multiple of {@code chunks}, as interleaving needs equal model chunks.
     * Empty when no such split exists (too few layers for the stages).
     */
    public static List<Integer> lighterEnds(int layers, int pp, int chunks) {
        if (pp < 2 || layers % chunks != 0) {
            return List.of();
        }
        int units = layers / chunks;
        // Middle stages of ⌈units / pp⌉ leave the two ends at most 2·⌈units / pp⌉ together: no end is heavier than a
        // middle stage. Larger middle stages would only make the ends lighter still.
        int middle = (units + pp - 1) / pp;
        int ends = units - middle * (pp - 2);
        if (ends >= 2) {
            int first = (ends + 1) / 2;
            return withEnds(layers, pp, first * chunks, (ends - first) * chunks);
        }
        return List.of();
    }
}
