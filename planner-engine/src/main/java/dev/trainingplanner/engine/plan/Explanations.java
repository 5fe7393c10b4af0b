package dev.trainingplanner.engine.plan;

import dev.trainingplanner.costmodel.estimate.Estimate;
import dev.trainingplanner.costmodel.estimate.TimeBreakdown;
import dev.trainingplanner.costmodel.estimate.Violation;
import dev.trainingplanner.costmodel.estimate.ViolationCode;
import dev.trainingplanner.costmodel.layout.ExpertParallelism;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.model.MixtureOfExperts;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.engine.layout.CandidatePool;
import dev.trainingplanner.engine.solver.SearchSpace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Builds the explanation of a plan (dominant terms, binding constraints) or of an infeasible problem. */
final class Explanations {

    private static final double GIB = 1024.0 * 1024.0 * 1024.0;

    private Explanations() {}

    static Explanation feasible(
            PlanRequest request,
            CandidatePool pool,
            PlannedLayout best,
            double defaultBestSeconds,
            List<String> refinementNotes,
            SearchSpace space) {
        Estimate estimate = best.estimate();
        double total = estimate.iterationTimeSeconds();
        List<String> dominant = dominantTerms(estimate.breakdown(), total);
        List<String> binding = new ArrayList<>();
        double capacity = minimumCapacity(estimate, space);
        double peak = estimate.peakMemoryBytes();
        double limit = capacity * (1 - space.headroomFraction());
        binding.add(String.format(
                Locale.ROOT,
                "memory: peak %.1f GiB per GPU of %.1f GiB allowed (%.1f GiB usable, headroom %.0f%%)%s",
                peak / GIB,
                limit / GIB,
                capacity / GIB,
                space.headroomFraction() * 100,
                peak > 0.9 * limit ? " - binding" : ""));
        pool.rejectedBy().entrySet().stream()
                .sorted(Map.Entry.<ViolationCode, Integer>comparingByValue().reversed())
                .forEach(e -> binding.add(e.getValue() + " layouts removed by " + describe(e.getKey())
                        + example(pool.exampleReasons().get(e.getKey()))));
        for (Violation violation : estimate.violations()) {
            if (violation.code() != ViolationCode.OUT_OF_MEMORY) {
                binding.add("warning: " + violation.reason());
            }
        }
        List<String> notes = new ArrayList<>();
        double gain = (defaultBestSeconds - total) / defaultBestSeconds;
        notes.add(String.format(
                Locale.ROOT,
                "best layout with the default placement (ranks packed by node): %.4f s; this plan %.4f s (%+.1f%%)",
                defaultBestSeconds,
                total,
                -gain * 100));
        pureDataParallelNote(pool, best).ifPresent(notes::add);
        expertAllToAllNote(request, best, space).ifPresent(notes::add);
        notes.addAll(idleNodes(request, estimate.placement(), space));
        notes.addAll(refinementNotes);
        request.cluster().defaultsUsed().forEach(d -> notes.add("default: " + d));
        request.cluster().excluded().forEach(e -> notes.add("left out: " + e));
        String summary = String.format(
                Locale.ROOT,
                "%s on %d GPUs: %.4f s per iteration, %.0f tokens/s per GPU, MFU %.1f%%; largest term: %s",
                best.describe(),
                request.gpus(),
                total,
                estimate.tokensPerSecondPerGpu(),
                estimate.mfu() * 100,
                dominant.isEmpty() ? "-" : dominant.get(0));
        return new Explanation(summary, dominant, binding, notes, List.of());
    }

    /**
     * Why data parallelism alone was not chosen, when a layout of it fits: its time with the default placement and its
     * exposed data-parallel / ZeRO communication (all-gathers and reductions priced per call, each hidden only behind
     * its own layer's compute).
     */
    private static Optional<String> pureDataParallelNote(CandidatePool pool, PlannedLayout best) {
        Layout chosen = best.layout();
        if (chosen.tp() == 1 && chosen.pp() == 1 && chosen.cp() == 1) {
            return Optional.empty();
        }
        return pool.fastestPureDataParallel().map(candidate -> {
            SearchSpace space = pool.space();
            Estimate alternative = pool.estimate(
                    candidate, Placement.packed(space.cluster(), space.nodesUsed(), space.gpusPerNodeUsed()));
            TimeBreakdown b = alternative.breakdown();
            double total = best.estimate().iterationTimeSeconds();
            return String.format(
                    Locale.ROOT,
                    "data parallelism alone (%s, default placement): %.4f s per iteration (%+.1f%% against this plan),"
                            + " of which exposed data-parallel/ZeRO communication %.4f s (parameter all-gathers"
                            + " %.4f s)",
                    candidate.describe(),
                    alternative.iterationTimeSeconds(),
                    100 * (alternative.iterationTimeSeconds() - total) / total,
                    b.exposedDataParallelSeconds(),
                    b.exposedParameterGatherSeconds());
        });
    }

    /**
     * Where the MoE token dispatch and combine run: the experts each GPU holds, and whether every expert-parallel group
     * stays inside one node, inside one NVLink domain, or crosses the network (the placement decides), with the
     * all-to-all time left exposed on the critical path.
     */
    private static Optional<String> expertAllToAllNote(PlanRequest request, PlannedLayout best, SearchSpace space) {
        MixtureOfExperts moe = request.model().mixtureOfExperts();
        if (!moe.isPresent()) {
            return Optional.empty();
        }
        Layout layout = best.layout();
        ExpertParallelism experts = layout.expertParallelism();
        String holding = String.format(
                Locale.ROOT,
                "MoE: %d of %d routed experts per GPU (ep %d, etp %d, expert-DP %d)",
                moe.routedExperts() / experts.ep(),
                moe.routedExperts(),
                experts.ep(),
                experts.etp(),
                layout.expertDataParallel());
        if (experts.ep() == 1) {
            return Optional.of(holding + "; tokens stay on their GPU, no all-to-all");
        }
        Placement placement = best.estimate().placement();
        Map<ExpertGroups.Reach, Integer> reaches = new EnumMap<>(ExpertGroups.Reach.class);
        List<int[]> groups = ExpertGroups.of(layout);
        for (int[] group : groups) {
            reaches.merge(ExpertGroups.reach(group, placement, space.cluster()), 1, Integer::sum);
        }
        int crossing = reaches.getOrDefault(ExpertGroups.Reach.NETWORK, 0);
        String where;
        if (crossing > 0) {
            where = crossing + " of " + groups.size() + " EP groups span nodes that share no NVLink domain, so their "
                    + "all-to-all crosses the network";
        } else if (reaches.containsKey(ExpertGroups.Reach.NVLINK_DOMAIN)) {
            where = "every EP group lies inside one NVLink domain, so the all-to-all runs over NVLink across trays";
        } else {
            where = "every EP group lies inside one node, so the all-to-all runs over NVLink";
        }
        double exposed = best.estimate().breakdown().exposedExpertAllToAllSeconds();
        return Optional.of(String.format(
                Locale.ROOT,
                "%s; %s dispatcher%s: %s; exposed all-to-all %.4f s per iteration (%.1f%%)",
                holding,
                experts.dispatcher().externalName(),
                experts.allToAllOverlap() ? " overlapped with compute" : ", not overlapped",
                where,
                exposed,
                100 * exposed / best.estimate().iterationTimeSeconds()));
    }

    static Explanation infeasible(PlanRequest request, CandidatePool pool) {
        List<String> reasons = new ArrayList<>();
        SearchSpace space = pool.space();
        if (pool.enumerated() == 0) {
            reasons.add(String.format(
                    Locale.ROOT,
                    "no %s layout exists for %d GPUs with global batch %d: every tp*cp*pp*dp split breaks a "
                            + "divisibility rule (heads %d, layers %d, micro-batch %d..%d)",
                    request.framework().cliName(),
                    request.gpus(),
                    request.globalBatchSequences(),
                    request.model().attentionHeads(),
                    request.model().layers(),
                    request.options().minMicroBatch(),
                    request.options().maxMicroBatch()));
        }
        if (pool.smallestMemoryNeedBytes() < Double.POSITIVE_INFINITY) {
            double allowed = pool.largestCapacityBytes() * (1 - space.headroomFraction());
            if (pool.smallestMemoryNeedBytes() > allowed) {
                reasons.add(String.format(
                        Locale.ROOT,
                        "out of memory: the smallest per-GPU memory any layout needs is %.1f GiB (%s), but the GPUs "
                                + "allow %.1f GiB (%.1f GiB usable less %.0f%% headroom)",
                        pool.smallestMemoryNeedBytes() / GIB,
                        pool.smallestMemoryLayout(),
                        allowed / GIB,
                        pool.largestCapacityBytes() / GIB,
                        space.headroomFraction() * 100));
            }
        }
        pool.rejectedBy().entrySet().stream()
                .filter(e -> e.getKey() != ViolationCode.OUT_OF_MEMORY)
                .sorted(Map.Entry.<ViolationCode, Integer>comparingByValue().reversed())
                .forEach(e -> reasons.add(e.getValue() + " layouts break " + describe(e.getKey())
                        + example(pool.exampleReasons().get(e.getKey()))));
        String summary = "no plan fits: " + (reasons.isEmpty() ? "no layout was found" : reasons.get(0));
        List<String> notes = new ArrayList<>();
        request.cluster().defaultsUsed().forEach(d -> notes.add("default: " + d));
        return new Explanation(summary, List.of(), List.of(), notes, reasons);
    }

    /** Layouts fit on the largest GPUs, but every placement leaves a rank on a GPU that is too small. */
    static Explanation noPlacementFits(PlanRequest request, CandidatePool pool, long overflowMib) {
        SearchSpace space = pool.space();
        double smallest = Double.POSITIVE_INFINITY;
        for (int node = 0; node < space.cluster().nodeCount(); node++) {
            for (int gpu = 0; gpu < space.gpusPerNodeUsed(); gpu++) {
                smallest = Math.min(smallest, space.cluster().usableMemoryBytes(node, gpu));
            }
        }
        String reason = String.format(
                Locale.ROOT,
                "out of memory on the smaller GPUs: the smallest per-GPU memory any layout needs is %.1f GiB (%s); the "
                        + "largest GPUs allow %.1f GiB but the smallest only %.1f GiB (less %.0f%% headroom), and %d "
                        + "GPUs must be used; the best placement found still overflows by %d MiB in total",
                pool.smallestMemoryNeedBytes() / GIB,
                pool.smallestMemoryLayout(),
                pool.largestCapacityBytes() * (1 - space.headroomFraction()) / GIB,
                smallest * (1 - space.headroomFraction()) / GIB,
                space.headroomFraction() * 100,
                request.gpus(),
                overflowMib);
        List<String> notes = new ArrayList<>();
        request.cluster().defaultsUsed().forEach(d -> notes.add("default: " + d));
        return new Explanation("no plan fits: " + reason, List.of(), List.of(), notes, List.of(reason));
    }

    private static List<String> dominantTerms(TimeBreakdown b, double total) {
        Map<String, Double> terms = new LinkedHashMap<>();
        terms.put("forward/backward compute", b.computeSeconds());
        terms.put("recompute", b.recomputeSeconds());
        terms.put("pipeline bubble", b.pipelineBubbleSeconds());
        terms.put("exposed tensor/context-parallel communication", b.exposedTensorParallelSeconds());
        terms.put("exposed pipeline send/receive", b.exposedPipelineP2pSeconds());
        terms.put("exposed data-parallel/ZeRO communication", b.exposedDataParallelSeconds());
        terms.put("MoE all-to-all", b.exposedExpertAllToAllSeconds());
        terms.put("optimizer step", b.optimizerStepSeconds());
        terms.put("expected straggler delay", b.stragglerSeconds());
        return terms.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                .map(e -> String.format(
                        Locale.ROOT, "%s %.4f s (%.1f%%)", e.getKey(), e.getValue(), 100 * e.getValue() / total))
                .toList();
    }

    private static double minimumCapacity(Estimate estimate, SearchSpace space) {
        Placement placement = estimate.placement();
        double min = Double.POSITIVE_INFINITY;
        for (int slot = 0; slot < placement.nodesUsed(); slot++) {
            for (int local = 0; local < placement.gpusPerNodeUsed(); local++) {
                min = Math.min(
                        min, space.cluster().usableMemoryBytes(placement.nodeAt(slot), placement.gpuAt(slot, local)));
            }
        }
        return min;
    }

    private static List<String> idleNodes(PlanRequest request, Placement placement, SearchSpace space) {
        int nodeCount = space.cluster().nodeCount();
        if (placement.nodesUsed() == nodeCount) {
            return List.of();
        }
        Set<Integer> used = new HashSet<>();
        for (int slot = 0; slot < placement.nodesUsed(); slot++) {
            used.add(placement.nodeAt(slot));
        }
        List<String> idle = new ArrayList<>();
        for (int node = 0; node < nodeCount; node++) {
            if (!used.contains(node)) {
                idle.add(request.cluster().nodeName(node));
            }
        }
        String list = idle.size() <= 12
                ? String.join(", ", idle)
                : idle.subList(0, 12) + " and " + (idle.size() - 12) + " more";
        return List.of(idle.size() + " nodes left idle: " + list);
    }

    private static String describe(ViolationCode code) {
        return code.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static String example(String reason) {
        return reason == null ? "" : " (e.g. " + reason + ")";
    }
}
