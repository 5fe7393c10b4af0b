package dev.trainingplanner.engine.output;

/**
 * Where global rank {@code rank} runs, in the profile's terms: the node's name and the GPU's index in that node's
 * profile (not its position among the cluster's usable GPUs).
 */
public record RankLocation(int rank, String node, int gpu) {}
