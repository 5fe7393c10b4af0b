package dev.trainingplanner.agent.profile;

/** Bandwidth and latency the planner assumes for node pairs the profile does not list. */
public record DefaultLink(double bandwidthGbps, double latencyUs) {}
