package dev.trainingplanner.agent.profile;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A node's compute speed relative to the fastest node it compared itself with, and its slow-round
 * distribution in the Bernoulli slow-worker model of cost-models.md §8 (slow with probability
 * {@code slowProbability}, then {@code slowdown} times slower).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComputeStats(Double relativeSpeed, double slowProbability, double slowdown) {}
