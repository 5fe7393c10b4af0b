package dev.trainingplanner.costmodel.time;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.cluster.StragglerModel;
import dev.trainingplanner.costmodel.layout.GradientCoding;
import dev.trainingplanner.costmodel.placement.Placement;

/**
 * Expected slowdown of the pipeline part of an iteration from random stragglers, after gradient coding over the dp
 * replicas (cost-models.md §8.3, with the per-scheme formulas in {@link GradientCodingTime}). The nodes a placement
 * uses are the workers' machines:
 *
 * <ul>
 *   <li>uncoded, Bernoulli nodes: every replica waits for the slowest node, {@code 1 + (k−1)(1 − Π(1−p_i))} with k the
 *       largest slowdown;
 *   <li>shifted-exponential nodes (mean shift a and rate μ): {@code a + H_n/μ} over the n nodes, or, with FR/CR
 *       tolerating s, {@code (s+1)(a + (H_dp − H_s)/μ)} over the dp replicas;
 *   <li>coded, Bernoulli nodes: a replica is slow when one of its nodes is; replicas that share a node share its fate,
 *       so a replica is never less likely slow than one node; the §8.3 (a) formula of the scheme then treats the dp
 *       replicas as the n independent workers. The sequential codes (§8.2) fall back to waiting for everyone in a
 *       round whose W-round window breaks their (B, W, λ) model.
 * </ul>
 */
public final class StragglerFactor {

    private StragglerFactor() {}

    /** The factor for the nodes {@code placement} uses on {@code cluster}, coded over {@code replicas} replicas. */
    public static double expected(GradientCoding coding, int replicas, Cluster cluster, Placement placement) {
        if (!cluster.hasStragglers()) {
            return coding.isNone() ? 1 : coded(coding, replicas, 0, 1);
        }
        int nodes = placement.nodesUsed();
        double noneSlow = 1;
        double slowdown = 1;
        double shiftSum = 0;
        double rateSum = 0;
        int exponential = 0;
        for (int slot = 0; slot < nodes; slot++) {
            StragglerModel model = cluster.straggler(placement.nodeAt(slot));
            if (model.kind() == StragglerModel.Kind.BERNOULLI) {
                noneSlow *= 1 - model.probability();
                slowdown = Math.max(slowdown, model.slowdown());
            } else if (model.kind() == StragglerModel.Kind.SHIFTED_EXPONENTIAL) {
                shiftSum += model.shift();
                rateSum += model.rate();
                exponential++;
            }
        }
        double factor;
        if (exponential > 0) {
            double shift = shiftSum / exponential;
            double rate = rateSum / exponential;
            if (coding.scheme() == GradientCoding.Scheme.FRACTIONAL_REPETITION
                    || coding.scheme() == GradientCoding.Scheme.CYCLIC_REPETITION) {
                factor = GradientCodingTime.shiftedExponentialCoded(
                        replicas, replicas, coding.stragglersTolerated(), shift, rate);
            } else {
                factor = GradientCodingTime.shiftedExponentialUncoded(nodes, nodes, shift, rate);
            }
        } else if (coding.isNone()) {
            factor = 1 + (slowdown - 1) * (1 - noneSlow);
        } else {
            double nodesPerReplica = Math.max(1.0, (double) nodes / replicas);
            double replicaFast = Math.pow(noneSlow, nodesPerReplica / nodes);
            factor = coded(coding, replicas, 1 - replicaFast, slowdown);
        }
        return Math.max(factor, 0);
    }

    /**
     * The §8.3 (a) factor of {@code coding} over {@code n} replicas that are each slow by {@code slowdown} with
     * probability {@code replicaSlowProbability}: the scheme's load (a multiple of C/n) times its expected slowdown.
     */
    public static double coded(GradientCoding coding, int n, double replicaSlowProbability, double slowdown) {
        return switch (coding.scheme()) {
            case NONE -> GradientCodingTime.bernoulliUncoded(n, n, replicaSlowProbability, slowdown);
            case FRACTIONAL_REPETITION -> GradientCodingTime.bernoulliFractional(
                    n, n, coding.stragglersTolerated(), replicaSlowProbability, slowdown);
            case CYCLIC_REPETITION -> GradientCodingTime.bernoulliCyclic(
                    n, n, coding.stragglersTolerated(), replicaSlowProbability, slowdown);
            case SELECTIVE_REPEAT_SGC -> {
                // A round is slow only when more than s workers straggle and the window breaks the (B, W, λ) model
                // (otherwise selective repetition recovers the job B rounds later); the smaller of the two
                // probabilities bounds that joint event.
                int s = Math.min(
                        n - 1,
                        GradientCodingTime.selectiveRepeatStragglers(
                                coding.burstLength(), coding.window(), coding.maxStragglersInWindow()));
                double slow = Math.min(
                        GradientCodingTime.binomialTailAbove(n, replicaSlowProbability, s),
                        1 - sequentialConforms(coding, n, replicaSlowProbability));
                yield (s + 1) * (1 + (slowdown - 1) * slow);
            }
            case MULTIPLEXED_SGC -> {
                double load = GradientCodingTime.multiplexedLoadTimesN(
                        n, coding.burstLength(), coding.window(), coding.maxStragglersInWindow());
                yield load * (1 + (slowdown - 1) * (1 - sequentialConforms(coding, n, replicaSlowProbability)));
            }
        };
    }

    private static double sequentialConforms(GradientCoding coding, int n, double replicaSlowProbability) {
        return GradientCodingTime.sequentialWindowConforms(
                n,
                replicaSlowProbability,
                coding.burstLength(),
                coding.window(),
                Math.min(coding.maxStragglersInWindow(), n - 1));
    }
}
