package dev.trainingplanner.api.measurement;

import java.util.UUID;

/**
 * What a plan revision's plan predicted, beside its measured summary: the plan's predicted iteration time as its
 * estimate recorded it.
 */
public record RevisionPrediction(int planRevision, UUID planId, double predictedIterationSeconds) {}
