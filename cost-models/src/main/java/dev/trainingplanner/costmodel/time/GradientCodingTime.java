package dev.trainingplanner.costmodel.time;

/**
 * Expected compute time of one round under random stragglers, with and without gradient coding (cost-models.md §8.3,
 * derived from Tandon et al. 2017 and Lee et al. 2017). C is the time for one worker to compute the whole batch's
 * gradient; n workers; each scheme's load is a multiple of C/n.
 */
public final class GradientCodingTime {

    private GradientCodingTime() {}

    /** Bernoulli, uncoded: (C/n)·[1 + (k−1)·(1 − (1−p)^n)]. */
    public static double bernoulliUncoded(double c, int n, double p, double k) {
        return c / n * (1 + (k - 1) * (1 - Math.pow(1 - p, n)));
    }

    /** Bernoulli, cyclic repetition (any MDS-like code) tolerating s: ((s+1)C/n)·[1 + (k−1)·P(X > s)]. */
    public static double bernoulliCyclic(double c, int n, int s, double p, double k) {
        return (s + 1) * c / n * (1 + (k - 1) * binomialTailAbove(n, p, s));
    }

    /** Bernoulli, fractional repetition ((s+1) | n): ((s+1)C/n)·[1 + (k−1)·(1 − (1 − p^{s+1})^{n/(s+1)})]. */
    public static double bernoulliFractional(double c, int n, int s, double p, double k) {
        double groups = (double) n / (s + 1);
        return (s + 1) * c / n * (1 + (k - 1) * (1 - Math.pow(1 - Math.pow(p, s + 1), groups)));
    }

    /** Shifted exponential, uncoded: (C/n)·(a + H_n/μ). */
    public static double shiftedExponentialUncoded(double c, int n, double shift, double rate) {
        return c / n * (shift + harmonic(n) / rate);
    }

    /** Shifted exponential, tolerating s stragglers: ((s+1)C/n)·(a + (H_n − H_s)/μ). */
    public static double shiftedExponentialCoded(double c, int n, int s, double shift, double rate) {
        return (s + 1) * c / n * (shift + (harmonic(n) - harmonic(s)) / rate);
    }

    /** P(X > s) for X ~ Bin(n, p), summed in a numerically stable way. */
    public static double binomialTailAbove(int n, double p, int s) {
        if (s >= n) {
            return 0;
        }
        if (p <= 0) {
            return 0;
        }
        if (p >= 1) {
            return 1;
        }
        double logP = Math.log(p);
        double logQ = Math.log1p(-p);
        double cdf = 0;
        double logBinom = 0;
        for (int j = 0; j <= s; j++) {
            if (j > 0) {
                logBinom += Math.log((double) (n - j + 1) / j);
            }
            cdf += Math.exp(logBinom + j * logP + (n - j) * logQ);
        }
        return Math.max(0, Math.min(1, 1 - cdf));
    }

    /** H_m = Σ_{j≤m} 1/j, H_0 = 0. */
    public static double harmonic(int m) {
        double h = 0;
        for (int j = 1; j <= m; j++) {
            h += 1.0 / j;
        }
        return h;
    }

    /** SR-SGC load per round: (s+1)/n with s = ⌈Bλ/(W−1+B)⌉ (cost-models.md §8.2). */
    public static int selectiveRepeatStragglers(int burst, int window, int lambda) {
        return (int) Math.ceil((double) burst * lambda / (window - 1 + burst));
    }

    /**
     * Probability that one window of W rounds conforms to the (B, W, λ)-bursty straggler model of sequential gradient
     * coding (cost-models.md §8.2) when each of n workers straggles independently with probability p in every round:
     * at most λ workers straggle in the window, and each of them straggles only inside one burst of at most B
     * consecutive rounds. A window that does not conform makes the sequential codes wait for everyone.
     */
    public static double sequentialWindowConforms(int n, double p, int burst, int window, int lambda) {
        double clean = Math.pow(1 - p, window);
        double oneBurst = burstOnlyProbability(p, Math.min(burst, window), window);
        double tail = 0;
        double logBinom = 0;
        for (int j = 0; j <= Math.min(lambda, n); j++) {
            if (j > 0) {
                logBinom += Math.log((double) (n - j + 1) / j);
            }
            tail += Math.exp(logBinom) * Math.pow(oneBurst, j) * Math.pow(clean, n - j);
        }
        return Math.max(0, Math.min(1, tail));
    }

    /**
     * Probability that a worker straggles in at least one of W rounds and all its straggling rounds lie inside an
     * interval of at most B rounds: a span of exactly L rounds has W−L+1 positions, both ends straggle (p², or p when
     * L = 1), the L−2 rounds between are free (their outcomes sum to 1) and the W−L rounds outside do not straggle.
     */
    private static double burstOnlyProbability(double p, int burst, int window) {
        double q = 1 - p;
        double total = 0;
        for (int span = 1; span <= burst; span++) {
            double ends = span == 1 ? p : p * p;
            total += (window - span + 1) * ends * Math.pow(q, window - span);
        }
        return total;
    }

    /** M-SGC load per round as a multiple of 1/n (cost-models.md §8.2). */
    public static double multiplexedLoadTimesN(int n, int burst, int window, int lambda) {
        if (lambda >= n) {
            return (double) (window - 1 + burst) / (window - 1);
        }
        return (double) (lambda + 1) * (window - 1 + burst) / (burst + (double) (window - 1) * (lambda + 1));
    }
}
