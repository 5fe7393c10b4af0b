package dev.trainingplanner.engine.layout;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.estimate.Estimate;
import dev.trainingplanner.costmodel.estimate.PlacementSession;
import dev.trainingplanner.costmodel.estimate.PreparedLayout;
import dev.trainingplanner.costmodel.estimate.StageMemory;
import dev.trainingplanner.costmodel.estimate.Violation;
import dev.trainingplanner.costmodel.estimate.ViolationCode;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import dev.trainingplanner.engine.plan.SearchStoppedException;
import dev.trainingplanner.engine.solver.SearchSpace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Prepares enumerated layouts with the cost model, drops those that break a placement-independent rule or cannot fit
 * in memory on any GPU, and ranks the rest by their predicted time under the default placement (ranks packed by node,
 * as Megatron-LM does). Keeps what an infeasibility explanation needs: how many layouts each rule removed and the
 * smallest per-GPU memory any layout needs.
 */
public final class CandidatePool {

    private final CostModel costModel;
    private final ModelSpec model;
    private final int globalBatch;
    private final Precision precision;
    private final Framework framework;
    private final SearchSpace space;

    private final List<LayoutCandidate> feasible = new ArrayList<>();
    private final Map<ViolationCode, Integer> rejectedBy = new EnumMap<>(ViolationCode.class);
    private final Map<ViolationCode, String> exampleReason = new EnumMap<>(ViolationCode.class);
    private int enumerated;
    private boolean statisticsFrozen;
    private double smallestMemoryNeedBytes = Double.POSITIVE_INFINITY;
    private String smallestMemoryLayout;
    private final double largestCapacityBytes;

    public CandidatePool(
            CostModel costModel,
            ModelSpec model,
            int globalBatch,
            Precision precision,
            Framework framework,
            SearchSpace space) {
        this.costModel = costModel;
        this.model = model;
        this.globalBatch = globalBatch;
        this.precision = precision;
        this.framework = framework;
        this.space = space;
        this.largestCapacityBytes = largestCapacity(space.cluster());
    }

    /** Prepares and screens the options; returns the feasible candidates, fastest first under the default placement. */
    public List<LayoutCandidate> screen(List<LayoutSpace.Option> options) {
        Placement packed = Placement.packed(space.cluster(), space.nodesUsed(), space.gpusPerNodeUsed());
        List<Admitted> admitted = new ArrayList<>();
        // CostModel.prepare is independent per layout and is most of the screening (MoE models enumerate every
        // expert-parallel degree with every dense layout), so it runs in parallel, a chunk at a time so that a stop
        // request is seen between chunks; the verdicts and statistics are then taken in enumeration order, which keeps
        // the outcome deterministic.
        for (int from = 0; from < options.size(); from += PREPARE_CHUNK) {
            SearchStoppedException.throwIfInterrupted("layout screening");
            List<Attempt> attempts =
                    options.subList(from, Math.min(options.size(), from + PREPARE_CHUNK)).parallelStream()
                            .map(o -> attempt(o.layout(), o.microBatchSequences()))
                            .toList();
            for (Attempt attempt : attempts) {
                enumerated++;
                PreparedLayout prepared = judge(attempt);
                if (prepared != null) {
                    admitted.add(new Admitted(enumerated, attempt.microBatch(), prepared));
                }
            }
        }
        // The packed evaluation is the expensive part; it is independent per layout and the result is sorted, so
        // running it in parallel keeps the outcome deterministic.
        feasible.addAll(admitted.parallelStream()
                .map(a -> candidate(a.id(), a.prepared(), a.microBatch(), packed))
                .toList());
        feasible.sort(Comparator.comparingDouble(LayoutCandidate::packedIterationTimeSeconds)
                .thenComparingInt(LayoutCandidate::id));
        return List.copyOf(feasible);
    }

    private record Admitted(int id, int microBatch, PreparedLayout prepared) {}

    /**
     * Prepares one layout for evaluation at {@code reference} (used as its default-placement time); null when a
     * placement-independent rule fails or no GPU could hold a stage with the headroom.
     */
    public LayoutCandidate prepare(Layout layout, int microBatch, Placement reference) {
        PreparedLayout prepared = admit(layout, microBatch);
        return prepared == null ? null : candidate(enumerated, prepared, microBatch, reference);
    }

    private static final int PREPARE_CHUNK = 512;

    /** A layout prepared by the cost model, or the input error that refused it. */
    private record Attempt(Layout layout, int microBatch, PreparedLayout prepared, String error) {}

    private Attempt attempt(Layout layout, int microBatch) {
        try {
            return new Attempt(
                    layout,
                    microBatch,
                    costModel.prepare(
                            model,
                            new TrainingSpec(globalBatch, microBatch, precision, framework),
                            space.cluster(),
                            layout),
                    null);
        } catch (InvalidInputException e) {
            return new Attempt(layout, microBatch, null, e.getMessage());
        }
    }

    private PreparedLayout admit(Layout layout, int microBatch) {
        return judge(attempt(layout, microBatch));
    }

    /** The prepared layout when it passes screening, else null with the reason counted. */
    private PreparedLayout judge(Attempt attempt) {
        if (attempt.prepared() == null) {
            reject(ViolationCode.WORLD_SIZE_MISMATCH, attempt.error());
            return null;
        }
        PreparedLayout prepared = attempt.prepared();
        Layout layout = attempt.layout();
        int microBatch = attempt.microBatch();
        List<Violation> violations = prepared.violations().stream()
                .filter(v -> v.code() != ViolationCode.OUT_OF_MEMORY)
                .toList();
        if (!violations.isEmpty()) {
            Violation first = violations.get(0);
            reject(first.code(), first.reason() + " (" + LayoutDescriptions.describe(layout, microBatch) + ")");
            return null;
        }
        double peak = prepared.peakMemoryBytes();
        if (!statisticsFrozen && peak < smallestMemoryNeedBytes) {
            smallestMemoryNeedBytes = peak;
            smallestMemoryLayout = LayoutDescriptions.describe(layout, microBatch);
        }
        if (peak > largestCapacityBytes * (1 - space.headroomFraction())) {
            reject(ViolationCode.OUT_OF_MEMORY, null);
            return null;
        }
        return prepared;
    }

    private void reject(ViolationCode code, String reason) {
        if (statisticsFrozen) {
            return;
        }
        rejectedBy.merge(code, 1, Integer::sum);
        if (reason != null) {
            exampleReason.putIfAbsent(code, reason);
        }
    }

    /** Later preparations (refinement trials) no longer count towards the screening statistics. */
    public void freezeStatistics() {
        statisticsFrozen = true;
    }

    private LayoutCandidate candidate(int id, PreparedLayout prepared, int microBatch, Placement reference) {
        Estimate estimate = prepared.evaluate(reference);
        double seconds =
                estimate.fits(space.headroomFraction()) ? estimate.iterationTimeSeconds() : Double.POSITIVE_INFINITY;
        return new LayoutCandidate(
                id,
                prepared.layout(),
                microBatch,
                memoryNeedByStage(prepared),
                seconds,
                placement -> session(prepared, placement));
    }

    private static PlacementCostSession session(PreparedLayout prepared, Placement placement) {
        PlacementSession session = prepared.start(placement);
        return new PlacementCostSession() {
            @Override
            public double iterationTimeSeconds() {
                return session.iterationTimeSeconds();
            }

            @Override
            public void swapNodes(int slotA, int slotB) {
                session.swapNodes(slotA, slotB);
            }

            @Override
            public void swapGpus(int slot, int localA, int localB) {
                session.swapGpus(slot, localA, localB);
            }

            @Override
            public Placement placement() {
                return session.placement();
            }
        };
    }

    /**
     * The fastest screened layout with tensor, pipeline and context parallelism of 1 (data parallelism alone, sharded
     * or not) that fits with the default placement, if any.
     */
    public Optional<LayoutCandidate> fastestPureDataParallel() {
        return feasible.stream()
                .filter(c -> c.layout().tp() == 1
                        && c.layout().pp() == 1
                        && c.layout().cp() == 1)
                .filter(c -> Double.isFinite(c.packedIterationTimeSeconds()))
                .findFirst();
    }

    /** Full evaluation of a candidate on a placement. */
    public Estimate estimate(LayoutCandidate candidate, Placement placement) {
        return costModel
                .prepare(
                        model,
                        new TrainingSpec(globalBatch, candidate.microBatchSequences(), precision, framework),
                        space.cluster(),
                        candidate.layout())
                .evaluate(placement);
    }

    private static double[] memoryNeedByStage(PreparedLayout prepared) {
        return prepared.stageMemory().stream()
                .mapToDouble(StageMemory::totalBytes)
                .toArray();
    }

    private double largestCapacity(Cluster cluster) {
        double largest = 0;
        for (int node = 0; node < cluster.nodeCount(); node++) {
            for (int gpu = 0; gpu < space.gpusPerNodeUsed(); gpu++) {
                largest = Math.max(largest, cluster.usableMemoryBytes(node, gpu));
            }
        }
        return largest;
    }

    public int enumerated() {
        return enumerated;
    }

    public Map<ViolationCode, Integer> rejectedBy() {
        return rejectedBy;
    }

    public Map<ViolationCode, String> exampleReasons() {
        return exampleReason;
    }

    public double smallestMemoryNeedBytes() {
        return smallestMemoryNeedBytes;
    }

    public String smallestMemoryLayout() {
        return smallestMemoryLayout;
    }

    public double largestCapacityBytes() {
        return largestCapacityBytes;
    }

    public SearchSpace space() {
        return space;
    }
}
