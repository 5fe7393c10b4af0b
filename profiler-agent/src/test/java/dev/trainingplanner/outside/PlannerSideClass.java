package dev.trainingplanner.outside;

/** A class of the project outside the agent and the profile format, for the agent's ArchitectureTest. */
public final class PlannerSideClass {}
