package dev.trainingplanner.costmodel.estimate;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.placement.Placement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The prediction for one layout on one placement: iteration time with its breakdown, throughput, and the memory of
 * every rank. Per-rank memory is materialised on first access of {@link #ranks()} so that a search that only reads
 * times and {@link #fits(double)} allocates O(stages), not O(GPUs).
 */
public final class Estimate {

    private final double iterationTimeSeconds;
    private final TimeBreakdown breakdown;
    private final double tokensPerSecondPerGpu;
    private final double modelTflopsPerGpu;
    private final double mfu;
    private final double peakMemoryBytes;
    private final double worstMemoryRatio;
    private final List<Violation> violations;
    private final StageMemory[] stages;
    private final Placement placement;
    private final Cluster cluster;
    private List<RankMemory> ranks;

    Estimate(
            double iterationTimeSeconds,
            TimeBreakdown breakdown,
            double tokensPerSecondPerGpu,
            double modelTflopsPerGpu,
            double mfu,
            double peakMemoryBytes,
            double worstMemoryRatio,
            List<Violation> violations,
            StageMemory[] stages,
            Placement placement,
            Cluster cluster) {
        this.iterationTimeSeconds = iterationTimeSeconds;
        this.breakdown = breakdown;
        this.tokensPerSecondPerGpu = tokensPerSecondPerGpu;
        this.modelTflopsPerGpu = modelTflopsPerGpu;
        this.mfu = mfu;
        this.peakMemoryBytes = peakMemoryBytes;
        this.worstMemoryRatio = worstMemoryRatio;
        this.violations = violations;
        this.stages = stages;
        this.placement = placement;
        this.cluster = cluster;
    }

    /** Seconds per optimizer step. */
    public double iterationTimeSeconds() {
        return iterationTimeSeconds;
    }

    public TimeBreakdown breakdown() {
        return breakdown;
    }

    public double tokensPerSecondPerGpu() {
        return tokensPerSecondPerGpu;
    }

    /** Model FLOPs (no recompute, cost-models.md §1.2) per second per GPU, in TFLOP/s. */
    public double modelTflopsPerGpu() {
        return modelTflopsPerGpu;
    }

    /** Model FLOP utilisation: fraction of the dense peak at the training precision. */
    public double mfu() {
        return mfu;
    }

    /** Largest device memory in use over all ranks, in bytes (nvidia-smi view). */
    public double peakMemoryBytes() {
        return peakMemoryBytes;
    }

    /** Whether every rank stays within its GPU's usable memory × (1 − headroomFraction). */
    public boolean fits(double headroomFraction) {
        return worstMemoryRatio <= 1 - headroomFraction;
    }

    /** Whether the layout violates nothing and fits with {@code headroomFraction}. */
    public boolean feasible(double headroomFraction) {
        for (Violation v : violations) {
            if (v.code() != ViolationCode.OUT_OF_MEMORY) {
                return false;
            }
        }
        return fits(headroomFraction);
    }

    /** Every violated constraint (memory checked at zero headroom). */
    public List<Violation> violations() {
        return violations;
    }

    /** Memory per pipeline stage (every rank of a stage holds the same). */
    public List<StageMemory> stages() {
        return List.of(stages);
    }

    public Placement placement() {
        return placement;
    }

    /** Memory of every rank, in rank order. */
    public synchronized List<RankMemory> ranks() {
        if (ranks == null) {
            int world = placement.worldSize();
            int perStage = world / stages.length;
            List<RankMemory> list = new ArrayList<>(world);
            for (int r = 0; r < world; r++) {
                StageMemory s = stages[r / perStage];
                int node = placement.node(r);
                int gpu = placement.localGpu(r);
                list.add(new RankMemory(
                        r,
                        node,
                        gpu,
                        s.stage(),
                        s.weightsBytes(),
                        s.gradientsBytes(),
                        s.optimizerStatesBytes(),
                        s.activationsBytes(),
                        s.microBatchesInFlight(),
                        s.communicationBuffersBytes(),
                        s.runtimeOverheadBytes(),
                        s.totalBytes(),
                        cluster.usableMemoryBytes(node, gpu),
                        s.expertStatesBytes()));
            }
            ranks = Collections.unmodifiableList(list);
        }
        return ranks;
    }

    @Override
    public String toString() {
        return String.format(
                "Estimate{iteration %.4f s, %.1f tokens/s/GPU, %.1f TFLOP/s/GPU, MFU %.3f, peak %.2f GiB, %d violations}",
                iterationTimeSeconds,
                tokensPerSecondPerGpu,
                modelTflopsPerGpu,
                mfu,
                peakMemoryBytes / (1024.0 * 1024.0 * 1024.0),
                violations.size());
    }
}
