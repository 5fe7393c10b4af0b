package dev.trainingplanner.engine.plan;

import java.util.List;

/**
 * Why the plan scores as it does, or why no plan exists.
 *
 * @param summary one sentence
 * @param dominantTerms the largest parts of the iteration time, largest first, with their share
 * @param bindingConstraints constraints that are tight for the plan or removed layouts from the search
 * @param notes other facts: defaults used, nodes left idle, comparison with the default placement, refinements
 * @param infeasibility for an infeasible problem, each reason with the numbers behind it (empty otherwise)
 */
public record Explanation(
        String summary,
        List<String> dominantTerms,
        List<String> bindingConstraints,
        List<String> notes,
        List<String> infeasibility) {}
