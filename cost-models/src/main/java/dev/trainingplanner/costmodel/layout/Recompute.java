package dev.trainingplanner.costmodel.layout;

/** Activation recomputation (Korthikanti et al., arXiv:2205.05198). */
public enum Recompute {
    /** Store every activation. */
    NONE,
    /** Recompute the attention core (softmax, dropout, score·V) only. */
    SELECTIVE,
    /** Store each layer's input only and recompute the whole layer in backward. */
    FULL
}
