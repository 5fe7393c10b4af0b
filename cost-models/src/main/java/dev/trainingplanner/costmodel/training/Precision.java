package dev.trainingplanner.costmodel.training;

/** Numeric format of the GEMMs. FP8 means fp8 GEMMs with bf16 elsewhere (Transformer Engine). */
public enum Precision {
    FP16,
    BF16,
    FP8
}
