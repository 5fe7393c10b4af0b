package dev.trainingplanner.costmodel.correction;

/**
 * The factors a cluster's measured runs may correct on top of the published calibration, each a multiplier whose prior
 * is 1 (no change) and whose bounds keep a fit on few or odd runs from turning the model into something else. Each is
 * applied where the cost model uses the quantity ({@link CorrectedCostModel}), not on the final total.
 */
public enum CorrectionKind {
    /**
     * Compute speed of one GPU type, as a multiplier of every GPU's relative speed ({@code Cluster.relativeSpeed}):
     * forward, backward, recompute and framework time per micro-batch scale with its inverse. Scope: the GPU type.
     */
    COMPUTE_EFFICIENCY(0.7, 1.3),
    /** Bandwidth reached on NVLink: the GPU pairs of a node and the node pairs of one NVLink domain. */
    NVLINK_EFFICIENCY(0.7, 1.3),
    /** Bandwidth reached on the network: the NICs and the node pairs outside an NVLink domain. */
    NETWORK_EFFICIENCY(0.7, 1.3),
    /** Per-rank memory as the GPU reports it, relative to the model's (allocator, fragmentation, workspaces). */
    MEMORY_OVERHEAD(0.8, 1.25),
    /**
     * Multiplier of the profile's per-node straggler probability. Median iteration times scale alike under slower
     * compute and more stragglers, so iteration-time medians alone do not identify it ({@link CorrectionFitter}).
     */
    STRAGGLER_PROBABILITY(0.0, 3.0);

    private final double lowerBound;
    private final double upperBound;

    CorrectionKind(double lowerBound, double upperBound) {
        this.lowerBound = lowerBound;
        this.upperBound = upperBound;
    }

    public double lowerBound() {
        return lowerBound;
    }

    public double upperBound() {
        return upperBound;
    }

    /** {@code value} within this kind's bounds. */
    double clamp(double value) {
        return Math.max(lowerBound, Math.min(upperBound, value));
    }
}
