package dev.trainingplanner.agent.compute;

/**
 * Whether a node's slow rounds are evidence of a straggler rather than jitter. A healthy GPU still has an occasional
 * round above the slow threshold (clock changes, a neighbour's burst), so a node is declared slow only when (a) it ran
 * at least {@link #MIN_ROUNDS} rounds and (b) an exact one-sided binomial test rejects, at level {@link #ALPHA}, that
 * its slow rounds occur no more often than the {@link #BACKGROUND_SLOW_SHARE} of a healthy node. With 30 rounds this
 * needs 6 slow rounds (20%); 3 of 30 (10%) is jitter.
 */
public final class StragglerEvidence {

    /** Fewer rounds cannot tell a 5% background from a straggler with a useful level. */
    public static final int MIN_ROUNDS = 20;

    static final double BACKGROUND_SLOW_SHARE = 0.05;
    static final double ALPHA = 0.01;

    private StragglerEvidence() {}

    public static boolean enoughRounds(int rounds) {
        return rounds >= MIN_ROUNDS;
    }

    /** True when {@code slowRounds} of {@code rounds} are significantly more than a healthy node's share. */
    public static boolean significant(int slowRounds, int rounds) {
        return enoughRounds(rounds) && upperTail(rounds, slowRounds, BACKGROUND_SLOW_SHARE) < ALPHA;
    }

    /** P(X >= k) for X ~ Binomial(n, p), summed in log space so that large n does not overflow. */
    static double upperTail(int n, int k, double p) {
        double tail = 0;
        for (int i = Math.max(0, k); i <= n; i++) {
            tail += Math.exp(logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
        }
        return Math.min(1.0, tail);
    }

    private static double logChoose(int n, int k) {
        double value = 0;
        for (int i = 1; i <= k; i++) {
            value += Math.log(n - k + i) - Math.log(i);
        }
        return value;
    }
}
