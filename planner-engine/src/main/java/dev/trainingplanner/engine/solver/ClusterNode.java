package dev.trainingplanner.engine.solver;

/** A physical node of the cluster, the value of a {@link NodeSlot}. */
public record ClusterNode(int index, String name) {}
