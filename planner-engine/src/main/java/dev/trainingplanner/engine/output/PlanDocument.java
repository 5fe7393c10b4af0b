package dev.trainingplanner.engine.output;

import dev.trainingplanner.engine.launch.LaunchSettings;
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
        LaunchSettings launch,
        Search search,
        GpuCountSearch gpuCountSearch) {

    /** The same document for a problem stated differently (e.g. completed from what the document was made for). */
    public PlanDocument withProblem(Problem value) {
        return new PlanDocument(
                status, value, layout, placement, estimate, alternatives, explanation, launch, search, gpuCountSearch);
    }

    /** The same document with its launch section. */
    public PlanDocument withLaunch(LaunchSettings value) {
        return new PlanDocument(
                status, problem, layout, placement, estimate, alternatives, explanation, value, search, gpuCountSearch);
    }

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

    /**
     * What was asked.
     *
     * @param precision GEMM precision ({@code bf16}, {@code fp16}, {@code fp8}, {@code mxfp8} or {@code nvfp4}); absent from documents written before
     *     it was recorded here
     */
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
            String timeLimit,
            String precision) {

        public Problem withPrecision(String value) {
            return new Problem(
                    cluster,
                    model,
                    globalBatchSequences,
                    sequenceLength,
                    gpus,
                    framework,
                    headroomFraction,
                    seed,
                    steps,
                    timeLimit,
                    value);
        }
    }

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
            List<Integer> stageLayerCounts,
            ExpertParallelismJson expertParallelism) {}

    /**
     * How the MoE layers are laid out (absent for dense models): Megatron-Core's ep and etp, the token dispatcher
     * ({@code alltoall}, {@code allgather}, {@code hierarchical}), whether dispatch and combine overlap with compute, and
     * the routing (dropless load-imbalance factor, or a capacity factor above 0 when tokens are dropped).
     * {@code expertsPerGpu} (the model's routed experts over ep, each split over etp GPUs) is written for readers and
     * ignored when a document is read back.
     */
    public record ExpertParallelismJson(
            int ep,
            int etp,
            int expertsPerGpu,
            String dispatcher,
            boolean allToAllOverlap,
            double loadImbalanceFactor,
            double capacityFactor) {}

    public record ZeroPlusPlusJson(boolean quantizedWeights, int hpzGroupSize, boolean quantizedGradients) {}

    public record PartitionGroupsJson(int weightsGroupSize, int gradientsGroupSize, int optimizerStatesGroupSize) {}

    public record GradientCodingJson(
            String scheme, int stragglersTolerated, int burstLength, int window, int maxStragglersInWindow) {}

    /** Where one rank runs: profile node name and GPU index, with its parallel coordinates. */
    public record RankPlacement(int rank, String node, int gpu, int tp, int cp, int dp, int pp) {

        public RankLocation location() {
            return new RankLocation(rank, node, gpu);
        }
    }

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
