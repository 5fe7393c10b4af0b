package dev.trainingplanner.costmodel.model;

/** The normalisation layer; it sets {@code norm_size} in cost-models.md §1.1. */
public enum NormKind {
    /** Weight and bias per channel. */
    LAYER_NORM,
    /** Weight only. */
    RMS_NORM;

    public int parametersPerChannel() {
        return this == LAYER_NORM ? 2 : 1;
    }
}
