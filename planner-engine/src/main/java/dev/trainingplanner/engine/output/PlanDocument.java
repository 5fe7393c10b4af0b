package dev.trainingplanner.engine.output;

import java.util.List;
import java.util.Map;

/**
 * The plan as JSON (the {@code planner plan --out} file and the REST response). Keys are the record components.
 *
 * @param status {@code FEASIBLE} or {@code INFEASIBLE}
 * @param layout the chosen layout (null when infeasible)
 * @param placement one entry per rank (empty when infeasible)
 * @param estimate the chosen plan's prediction (null when infeasible)
 * @param alternatives the next best distinct layouts, best first
 * @param launch what the launcher and the training code need
 * @param gpuCountSearch the GPU counts compared when the objective is cost per token (null for iteration time)
 */
public record PlanDocument(
        String status,
        Problem problem,
        LayoutJson layout,
        List<RankPlacement> placement,
        EstimateJson estimate,
        List<Alternative> alternatives,
        ExplanationJson explanation,
        Launch launch,
        Search search,
        GpuCountSearch gpuCountSearch) {

    /** The same document with the cost-per-token comparison of GPU counts. */
    public PlanDocument withGpuCountSearch(GpuCountSearch value) {
        return new PlanDocument(
                status, problem, layout, placement, estimate, alternatives, explanation, launch, search, value);
    }

    /**
     * Cost per token with a free GPU count.
     *
     * @param objective {@code cost-per-token}
     * @param maxGpus the largest count considered
     * @param maxIterationSeconds the iteration-time bound, or null
     * @param gpuHourPrice the price of a GPU-hour, or null
     * @param chosenGpus the count of this plan (0 when none qualifies)
     * @param candidates every count looked at, fewest GPUs first
     */
    public record GpuCountSearch(
            String objective,
            int maxGpus,
            Double maxIterationSeconds,
            Double gpuHourPrice,
            int chosenGpus,
            List<GpuCount> candidates) {}

    /**
     * One GPU count: its best layout and predicted iteration time, GPU-hours per million tokens and, with a price, the
     * cost per million tokens; {@code searched} when the full placement search ran (otherwise screening only).
     */
    public record GpuCount(
            int gpus,
            boolean searched,
            String layout,
            Double iterationTimeSeconds,
            Double gpuHoursPerMillionTokens,
            Double costPerMillionTokens,
            String note) {}

    /** What was asked. */
    public record Problem(
            String cluster,
            String model,
            int globalBatchSequences,
            int sequenceLength,
            int gpus,
            String framework,
            double headroomFraction,
            long seed,
            Integer steps,
            String timeLimit) {}

    /** Every knob of the layout. */
    public record LayoutJson(
            String summary,
            int tp,
            int pp,
            int dp,
            int cp,
            int virtualStages,
            boolean sequenceParallel,
            String recompute,
            int microBatchSequences,
            int zeroStage,
            ZeroPlusPlusJson zeroPlusPlus,
            PartitionGroupsJson partitionGroups,
            GradientCodingJson gradientCoding,
            List<Integer> ladderLayers,
            List<Integer> stageLayerCounts) {}

    public record ZeroPlusPlusJson(boolean quantizedWeights, int hpzGroupSize, boolean quantizedGradients) {}

    public record PartitionGroupsJson(int weightsGroupSize, int gradientsGroupSize, int optimizerStatesGroupSize) {}

    public record GradientCodingJson(
            String scheme, int stragglersTolerated, int burstLength, int window, int maxStragglersInWindow) {}

    /** Where one rank runs: profile node name and GPU index, with its parallel coordinates. */
    public record RankPlacement(int rank, String node, int gpu, int tp, int cp, int dp, int pp) {}

    /** The cost model's prediction. */
    public record EstimateJson(
            double iterationTimeSeconds,
            double tokensPerSecondPerGpu,
            double modelTflopsPerGpu,
            double mfu,
            double peakMemoryBytes,
            Map<String, Double> breakdown,
            List<StageMemoryJson> stageMemory,
            List<RankMemoryJson> rankMemory,
            List<String> violations) {}

    /** Memory of every rank of a pipeline stage (identical across the stage). */
    public record StageMemoryJson(
            int stage,
            int layers,
            double weightsBytes,
            double gradientsBytes,
            double optimizerStatesBytes,
            double activationsBytes,
            int microBatchesInFlight,
            double communicationBuffersBytes,
            double runtimeOverheadBytes,
            double totalBytes) {}

    /** Memory of one rank and the capacity of its GPU. */
    public record RankMemoryJson(int rank, String node, int gpu, int stage, double totalBytes, double capacityBytes) {}

    /** Another layout and its prediction on the chosen node order. */
    public record Alternative(LayoutJson layout, EstimateJson estimate) {}

    public record ExplanationJson(
            String summary,
            List<String> dominantTerms,
            List<String> bindingConstraints,
            List<String> notes,
            List<String> infeasibility) {}

    /**
     * Launch settings.
     *
     * @param nodeOrder node names in rank order ({@code --node_rank} i runs on the i-th)
     * @param gpuOrder per node in rank order, the GPU indexes to expose ({@code CUDA_VISIBLE_DEVICES})
     * @param frameworkArguments the framework's settings (command-line flags or config keys)
     * @param trainingCodeChanges what the training code must do for gradient coding or Ladder Residual
     */
    public record Launch(
            List<String> nodeOrder,
            List<List<Integer>> gpuOrder,
            Map<String, Object> frameworkArguments,
            List<String> trainingCodeChanges) {}

    /** How the search went. */
    public record Search(
            int layoutsEnumerated,
            int layoutsFeasible,
            int layoutsSearched,
            double defaultPlacementBestSeconds,
            long screeningMillis,
            long firstFeasibleMillis,
            long solverMillis,
            long totalMillis,
            long scoreCalculations,
            List<Map<String, Number>> qualityCurve) {}
}
