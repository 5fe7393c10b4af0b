package dev.trainingplanner.costmodel.estimate;

/** A constraint the layout violates, with a specific reason a user can act on. */
public record Violation(ViolationCode code, String reason) {}
