package dev.trainingplanner.costmodel.model;

/** The feed-forward block of a transformer layer. */
public enum MlpKind {
    /** Two h×f matrices with a GeLU in between (GPT-3, BLOOM). */
    GELU,
    /** Three h×f matrices: gate, up and down projection (Llama). */
    SWIGLU;

    /** The {@code gated} factor of cost-models.md §1.1: 3/2 for SwiGLU, 1 for GeLU. */
    public double gatedFactor() {
        return this == SWIGLU ? 1.5 : 1.0;
    }
}
