package dev.trainingplanner.engine.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trainingplanner.costmodel.estimate.Estimate;
import dev.trainingplanner.costmodel.estimate.RankMemory;
import dev.trainingplanner.costmodel.estimate.StageMemory;
import dev.trainingplanner.costmodel.estimate.TimeBreakdown;
import dev.trainingplanner.engine.launch.LaunchSettings;
import dev.trainingplanner.engine.output.PlanDocument.Alternative;
import dev.trainingplanner.engine.output.PlanDocument.EstimateJson;
import dev.trainingplanner.engine.output.PlanDocument.ExplanationJson;
import dev.trainingplanner.engine.output.PlanDocument.RankMemoryJson;
import dev.trainingplanner.engine.output.PlanDocument.StageMemoryJson;
import dev.trainingplanner.engine.plan.CostPerTokenResult;
import dev.trainingplanner.engine.plan.Explanation;
import dev.trainingplanner.engine.plan.GpuCountCandidate;
import dev.trainingplanner.engine.plan.PlanRequest;
import dev.trainingplanner.engine.plan.PlanResult;
import dev.trainingplanner.engine.plan.PlannedLayout;
import dev.trainingplanner.engine.plan.SearchStatistics;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Maps a {@link PlanResult} to the JSON document and to the readable summary, and reads a document back. */
public final class PlanDocuments {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Documents written by a later version may carry keys this one does not know; they are not needed to read it. */
    private static final ObjectMapper READER =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static final double GIB = 1024.0 * 1024.0 * 1024.0;

    private PlanDocuments() {}

    public static PlanDocument from(PlanResult result) {
        PlanRequest request = result.request();
        ProfiledCluster cluster = result.cluster();
        PlanDocument.Problem problem = new PlanDocument.Problem(
                cluster.name(),
                request.model().name(),
                request.globalBatchSequences(),
                request.model().sequenceLength(),
                request.gpus(),
                request.framework().cliName(),
                request.options().headroomFraction(),
                request.options().seed(),
                request.options().steps(),
                request.options().timeLimit() == null
                        ? null
                        : request.options().timeLimit().toString(),
                request.options().precision().name().toLowerCase(Locale.ROOT));
        Explanation e = result.explanation();
        ExplanationJson explanation = new ExplanationJson(
                e.summary(), e.dominantTerms(), e.bindingConstraints(), e.notes(), e.infeasibility());
        SearchStatistics s = result.statistics();
        List<Map<String, Number>> curve = s.curve().stream()
                .map(p ->
                        Map.<String, Number>of("millis", p.millis(), "iterationTimeSeconds", p.iterationTimeSeconds()))
                .toList();
        PlanDocument.Search search = new PlanDocument.Search(
                s.layoutsEnumerated(),
                s.layoutsFeasible(),
                s.layoutsSearched(),
                Double.isFinite(s.defaultPlacementBestSeconds()) ? s.defaultPlacementBestSeconds() : 0,
                s.screeningMillis(),
                s.firstFeasibleMillis(),
                s.solverMillis(),
                s.totalMillis(),
                s.scoreCalculations(),
                curve);
        if (!result.feasible()) {
            return new PlanDocument(
                    result.status().name(), problem, null, List.of(), null, List.of(), explanation, null, search, null);
        }
        PlannedLayout best = result.best();
        List<Alternative> alternatives = result.alternatives().stream()
                .map(a ->
                        new Alternative(LayoutCodec.toJson(a, request.model()), estimate(a.estimate(), cluster, false)))
                .toList();
        PlanDocument document = new PlanDocument(
                result.status().name(),
                problem,
                LayoutCodec.toJson(best, request.model()),
                PlacementCodec.ranks(best.estimate().placement(), best.layout(), cluster),
                estimate(best.estimate(), cluster, true),
                alternatives,
                explanation,
                null,
                search,
                null);
        return document.withLaunch(
                PlanLaunch.artifacts(document, request.model()).settings());
    }

    /** The chosen count's plan with the comparison of GPU counts (cost per token, free GPU count). */
    public static PlanDocument from(CostPerTokenResult result) {
        List<PlanDocument.GpuCount> counts = result.candidates().stream()
                .map(c -> new PlanDocument.GpuCount(
                        c.gpus(),
                        c.searched(),
                        c.layout(),
                        finite(c.iterationTimeSeconds()),
                        finite(c.gpuHoursPerMillionTokens()),
                        finite(c.costPerMillionTokens()),
                        c.note()))
                .toList();
        return from(result.plan())
                .withGpuCountSearch(new PlanDocument.GpuCountSearch(
                        "cost-per-token",
                        result.maxGpus(),
                        result.goal().maxIterationSeconds(),
                        result.goal().gpuHourPrice(),
                        result.feasible() ? result.plan().request().gpus() : 0,
                        counts));
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    /** The chosen count's summary and a line per GPU count compared. */
    public static String summary(CostPerTokenResult result) {
        StringBuilder text = new StringBuilder(summary(result.plan()));
        text.append(String.format(
                Locale.ROOT,
                "GPU count for the lowest cost per token (up to %d GPUs%s):%n",
                result.maxGpus(),
                result.goal().maxIterationSeconds() == null
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                ", iteration at most %.3f s",
                                result.goal().maxIterationSeconds())));
        for (GpuCountCandidate c : result.candidates()) {
            boolean chosen =
                    result.feasible() && c.gpus() == result.plan().request().gpus();
            text.append(String.format(
                    Locale.ROOT,
                    "  %s %6d GPUs  %s%n",
                    chosen ? "*" : " ",
                    c.gpus(),
                    c.layout() == null
                            ? c.note()
                            : String.format(
                                    Locale.ROOT,
                                    "%.4f s  %.4f GPU-h/Mtok%s  %s%s%s",
                                    c.iterationTimeSeconds(),
                                    c.gpuHoursPerMillionTokens(),
                                    Double.isNaN(c.costPerMillionTokens())
                                            ? ""
                                            : String.format(Locale.ROOT, "  %.4f/Mtok", c.costPerMillionTokens()),
                                    c.layout(),
                                    c.searched() ? "" : " (screened)",
                                    c.note() == null ? "" : " - " + c.note())));
        }
        return text.toString();
    }

    public static String toJson(PlanDocument document) {
        try {
            return MAPPER.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the plan could not be written as JSON", e);
        }
    }

    /** A document written by {@link #toJson}, e.g. a stored plan or a plan.json. */
    public static PlanDocument read(String json) {
        try {
            return READER.readValue(json, PlanDocument.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a plan document: " + e.getOriginalMessage(), e);
        }
    }

    /** A few lines for a terminal. */
    public static String summary(PlanResult result) {
        StringBuilder text = new StringBuilder();
        Explanation e = result.explanation();
        if (!result.feasible()) {
            text.append("No feasible plan.\n");
            e.infeasibility().forEach(r -> text.append("  - ").append(r).append('\n'));
            return text.toString();
        }
        PlannedLayout best = result.best();
        Estimate estimate = best.estimate();
        text.append(String.format(
                Locale.ROOT,
                "Plan for %s on %d GPUs of %s (%s):%n  layout      %s%n  iteration   %.4f s, %.0f tokens/s/GPU, "
                        + "%.1f TFLOP/s/GPU, MFU %.1f%%%n  memory      peak %.1f GiB per GPU%n",
                result.request().model().name(),
                result.request().gpus(),
                result.cluster().name(),
                result.request().framework().cliName(),
                best.describe(),
                estimate.iterationTimeSeconds(),
                estimate.tokensPerSecondPerGpu(),
                estimate.modelTflopsPerGpu(),
                estimate.mfu() * 100,
                estimate.peakMemoryBytes() / GIB));
        text.append("  time        ")
                .append(String.join("; ", e.dominantTerms()))
                .append('\n');
        e.bindingConstraints()
                .forEach(c -> text.append("  constraint  ").append(c).append('\n'));
        e.notes().forEach(n -> text.append("  note        ").append(n).append('\n'));
        LaunchSettings launch = from(result).launch();
        text.append(String.format(
                Locale.ROOT,
                "  launch      torchrun on %d nodes x %d GPUs (master %s); %s settings in the plan file's launch%n",
                launch.nodeOrder().size(),
                launch.gpuOrder().get(0).size(),
                launch.nodeOrder().get(0),
                result.request().framework().cliName()));
        launch.trainingCodeChanges()
                .forEach(c -> text.append("  code        ").append(c).append('\n'));
        int i = 2;
        for (PlannedLayout alternative : result.alternatives()) {
            text.append(String.format(
                    Locale.ROOT,
                    "  #%d          %s: %.4f s%n",
                    i++,
                    alternative.describe(),
                    alternative.estimate().iterationTimeSeconds()));
        }
        SearchStatistics s = result.statistics();
        text.append(String.format(
                Locale.ROOT,
                "  search      %d layouts enumerated, %d feasible, %d searched; %d score calculations; %d ms%n",
                s.layoutsEnumerated(),
                s.layoutsFeasible(),
                s.layoutsSearched(),
                s.scoreCalculations(),
                s.totalMillis()));
        return text.toString();
    }

    private static EstimateJson estimate(Estimate estimate, ProfiledCluster cluster, boolean perRank) {
        TimeBreakdown b = estimate.breakdown();
        Map<String, Double> breakdown = new LinkedHashMap<>();
        breakdown.put("computeSeconds", b.computeSeconds());
        breakdown.put("recomputeSeconds", b.recomputeSeconds());
        breakdown.put("pipelineBubbleSeconds", b.pipelineBubbleSeconds());
        breakdown.put("exposedTensorParallelSeconds", b.exposedTensorParallelSeconds());
        breakdown.put("exposedPipelineP2pSeconds", b.exposedPipelineP2pSeconds());
        breakdown.put("exposedDataParallelSeconds", b.exposedDataParallelSeconds());
        breakdown.put("optimizerStepSeconds", b.optimizerStepSeconds());
        breakdown.put("stragglerSeconds", b.stragglerSeconds());
        breakdown.put("exposedExpertAllToAllSeconds", b.exposedExpertAllToAllSeconds());
        // A share of exposedDataParallelSeconds, not a further part of the sum.
        breakdown.put("exposedParameterGatherSeconds", b.exposedParameterGatherSeconds());
        List<StageMemoryJson> stages = new ArrayList<>();
        for (StageMemory m : estimate.stages()) {
            stages.add(new StageMemoryJson(
                    m.stage(),
                    m.layers(),
                    m.weightsBytes(),
                    m.gradientsBytes(),
                    m.optimizerStatesBytes(),
                    m.activationsBytes(),
                    m.microBatchesInFlight(),
                    m.communicationBuffersBytes(),
                    m.runtimeOverheadBytes(),
                    m.totalBytes()));
        }
        List<RankMemoryJson> ranks = new ArrayList<>();
        if (perRank) {
            for (RankMemory r : estimate.ranks()) {
                ranks.add(new RankMemoryJson(
                        r.rank(),
                        cluster.nodeName(r.node()),
                        cluster.profileGpuIndex(r.node(), r.localGpu()),
                        r.stage(),
                        r.totalBytes(),
                        r.capacityBytes()));
            }
        }
        return new EstimateJson(
                estimate.iterationTimeSeconds(),
                estimate.tokensPerSecondPerGpu(),
                estimate.modelTflopsPerGpu(),
                estimate.mfu(),
                estimate.peakMemoryBytes(),
                breakdown,
                stages,
                ranks,
                estimate.violations().stream()
                        .map(v -> v.code() + ": " + v.reason())
                        .toList());
    }
}
