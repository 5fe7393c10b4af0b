package dev.trainingplanner.engine.plan;

import dev.trainingplanner.costmodel.estimate.Estimate;
import dev.trainingplanner.costmodel.layout.GradientCoding;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.engine.layout.CandidatePool;
import dev.trainingplanner.engine.layout.LayoutCandidate;
import dev.trainingplanner.engine.layout.StageSplits;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Applies the choices made on the winning layout and placement, keeping each only when the cost model predicts a
 * gain:
 *
 * <ul>
 *   <li>gradient coding (cost-models.md §8.2, §8.3): fractional and cyclic repetition with every s, and the sequential
 *       codes SR-SGC and M-SGC with their (B, W, λ), scored by the model's expected-time formulas; needs ZeRO 0 (shards
 *       must all arrive);
 *   <li>an uneven pipeline split with lighter or heavier first and last stages (Megatron, FSDP; no interleaving);
 *   <li>Ladder Residual (cost-models.md §9.3): up to {@code maxLadderFraction}·L layers, taken stage by stage where one
 *       stage's conversion saves most (slow TP links save most), the last layers of a stage first.
 * </ul>
 */
final class Refinement {

    private static final int MAX_STRAGGLERS_TOLERATED = 16;
    private static final int MAX_BURST_ROUNDS = 3;
    private static final int MAX_WINDOW_ROUNDS = 9;

    private final CandidatePool pool;
    private final PlanRequest request;
    private final List<String> notes = new ArrayList<>();

    Refinement(CandidatePool pool, PlanRequest request) {
        this.pool = pool;
        this.request = request;
    }

    PlannedLayout refine(LayoutCandidate chosen, Placement placement) {
        Layout layout = chosen.layout();
        int mb = chosen.microBatchSequences();
        Estimate estimate = pool.estimate(chosen, placement);
        PlannedLayout best = new PlannedLayout(layout, mb, estimate);
        SearchOptions options = request.options();
        if (options.allowGradientCoding() && layout.dp() > 1) {
            best = bestGradientCoding(best, placement);
        }
        if (layout.pp() > 1 && layout.virtualStages() == 1 && request.framework() != Framework.DEEPSPEED) {
            best = bestStageSplit(best, placement);
        }
        int ladderBudget =
                (int) Math.floor(options.maxLadderFraction() * request.model().layers());
        if (ladderBudget > 0 && layout.tp() > 1) {
            best = bestLadder(best, placement, ladderBudget);
        }
        return best;
    }

    List<String> notes() {
        return notes;
    }

    private PlannedLayout bestGradientCoding(PlannedLayout start, Placement placement) {
        if (!request.cluster().cluster().hasStragglers()) {
            notes.add("gradient coding allowed but no node reports straggler statistics: none used");
            return start;
        }
        if (start.layout().zeroStage() > 0) {
            notes.add("gradient coding not applied: it needs ZeRO stage 0, the plan uses stage "
                    + start.layout().zeroStage());
            return start;
        }
        List<GradientCoding> codes = candidateCodes(start.layout().dp());
        PlannedLayout best = start;
        for (GradientCoding code : codes) {
            Layout coded = start.layout().toBuilder().gradientCoding(code).build();
            for (int mb : microBatchesFor(code, start.microBatchSequences())) {
                PlannedLayout candidate = evaluate(coded, mb, placement);
                if (candidate != null && better(candidate, best)) {
                    best = candidate;
                }
            }
        }
        if (best != start) {
            notes.add(String.format(
                    Locale.ROOT,
                    "gradient coding %s with %s: expected straggler time %.3f s instead of %.3f s",
                    best.layout().gradientCoding().scheme().name().toLowerCase(Locale.ROOT),
                    best.layout().gradientCoding().parameters(),
                    best.estimate().breakdown().stragglerSeconds(),
                    start.estimate().breakdown().stragglerSeconds()));
        } else {
            notes.add("gradient coding considered (" + codes.size() + " codes) but none is predicted faster");
        }
        return best;
    }

    /**
     * Fractional repetition for every s with (s+1) | dp, cyclic repetition for every s, and the sequential codes of
     * cost-models.md §8.2 over bursts B ≤ 3, windows W ≤ 9 and λ ≤ 16 stragglers per window (SR-SGC needs B | W−1).
     * Sequential codes whose delay exceeds the micro-batches of a step are rejected by the cost model.
     */
    private static List<GradientCoding> candidateCodes(int dp) {
        List<GradientCoding> codes = new ArrayList<>();
        int maxStragglers = Math.min(dp - 1, MAX_STRAGGLERS_TOLERATED);
        for (int s = 1; s <= maxStragglers; s++) {
            if (dp % (s + 1) == 0) {
                codes.add(GradientCoding.fractionalRepetition(s));
            }
            codes.add(GradientCoding.cyclicRepetition(s));
        }
        for (int burst = 1; burst <= MAX_BURST_ROUNDS; burst++) {
            for (int window = 2; window <= MAX_WINDOW_ROUNDS; window++) {
                for (int lambda = 1; lambda <= maxStragglers; lambda++) {
                    if ((window - 1) % burst == 0) {
                        codes.add(GradientCoding.selectiveRepeat(burst, window, lambda));
                    }
                    codes.add(GradientCoding.multiplexed(burst, window, lambda));
                }
            }
        }
        return codes;
    }

    /**
     * A sequential code decodes job t by round t + delay, so a step needs delay + 1 micro-batches: it is also tried
     * with the chosen micro-batch halved down to the smallest allowed, which makes more of them.
     */
    private List<Integer> microBatchesFor(GradientCoding code, int chosen) {
        List<Integer> sizes = new ArrayList<>(List.of(chosen));
        if (code.isSequential()) {
            for (int mb = chosen; mb % 2 == 0 && mb / 2 >= request.options().minMicroBatch(); mb /= 2) {
                sizes.add(mb / 2);
            }
        }
        return sizes;
    }

    /**
     * Uneven pipeline split (cost-models.md §5.1 generalised to uneven stages): the first stage also runs the embedding
     * and the last the output layer and loss, so moving layers off them can shorten the slowest stage, and the memory
     * of the first stage (most micro-batches in flight) can bind. Tried: the first and last stages with up to half a
     * stage's layers more or fewer, the middle stages sharing the rest evenly, which is what Megatron-LM's
     * {@code --decoder-first/last-pipeline-num-layers} can launch (torchtitan takes any split points). Not with
     * interleaving, whose chunks must stay equal, nor for DeepSpeed, whose pipeline partitions by its own method.
     */
    private PlannedLayout bestStageSplit(PlannedLayout start, Placement placement) {
        int layers = request.model().layers();
        int pp = start.layout().pp();
        int[] even = Layout.evenStageSplit(layers, pp);
        int base = layers / pp;
        int reach = base / 2 + 1;
        PlannedLayout best = start;
        int tried = 0;
        for (int first = Math.max(1, base - reach); first <= base + reach; first++) {
            for (int last = Math.max(1, base - reach); last <= base + reach; last++) {
                List<Integer> split = StageSplits.withEnds(layers, pp, first, last);
                if (split.isEmpty() || (split.get(0) == even[0] && split.get(pp - 1) == even[pp - 1])) {
                    continue;
                }
                tried++;
                PlannedLayout candidate = evaluate(
                        start.layout().toBuilder().stageLayerCounts(split).build(),
                        start.microBatchSequences(),
                        placement);
                if (candidate != null && better(candidate, best)) {
                    best = candidate;
                }
            }
        }
        if (best != start) {
            notes.add(String.format(
                    Locale.ROOT,
                    "uneven pipeline split %s (first and last stages also run the embedding and the output layer): "
                            + "iteration %.4f s instead of %.4f s with the even split",
                    best.layout().stageLayerCounts(),
                    best.estimate().iterationTimeSeconds(),
                    start.estimate().iterationTimeSeconds()));
        } else if (tried > 0) {
            notes.add(
                    "uneven pipeline splits considered (" + tried + ") but none is predicted faster than the even one");
        }
        return best;
    }

    private PlannedLayout bestLadder(PlannedLayout start, Placement placement, int budget) {
        Layout layout = start.layout();
        int pp = layout.pp();
        int layers = request.model().layers();
        int[] stageLayers = layout.layersPerStage(layers);
        record StageGain(int stage, double savingSeconds) {}
        List<StageGain> gains = new ArrayList<>();
        for (int stage = 0; stage < pp; stage++) {
            int count = Math.min(budget, stageLayers[stage]);
            List<Integer> set = lastLayersOfStage(stageLayers, stage, count);
            PlannedLayout trial = evaluate(layout.toBuilder().ladderLayers(set).build(), start, placement);
            if (trial != null) {
                gains.add(new StageGain(
                        stage,
                        start.estimate().iterationTimeSeconds()
                                - trial.estimate().iterationTimeSeconds()));
            }
        }
        gains.sort(
                Comparator.comparingDouble((StageGain g) -> -g.savingSeconds()).thenComparingInt(g -> -g.stage()));
        List<Integer> chosen = new ArrayList<>();
        for (StageGain gain : gains) {
            if (chosen.size() >= budget || gain.savingSeconds() <= 0) {
                break;
            }
            int stageSize = stageLayers[gain.stage()];
            chosen.addAll(lastLayersOfStage(stageLayers, gain.stage(), Math.min(stageSize, budget - chosen.size())));
        }
        if (chosen.isEmpty()) {
            notes.add("Ladder Residual allowed but no stage is predicted faster with it");
            return start;
        }
        chosen.sort(Comparator.naturalOrder());
        PlannedLayout ladder = evaluate(layout.toBuilder().ladderLayers(chosen).build(), start, placement);
        if (ladder == null || !better(ladder, start)) {
            notes.add("Ladder Residual allowed but the combined conversion is not predicted faster");
            return start;
        }
        notes.add(String.format(
                Locale.ROOT,
                "Ladder Residual on %d of %d layers (stages by saving: %s): iteration %.4f s instead of %.4f s",
                chosen.size(),
                layers,
                gains.stream()
                        .limit(4)
                        .map(g -> String.format(Locale.ROOT, "stage %d %.2f ms", g.stage(), g.savingSeconds() * 1e3))
                        .toList(),
                ladder.estimate().iterationTimeSeconds(),
                start.estimate().iterationTimeSeconds()));
        return ladder;
    }

    private static List<Integer> lastLayersOfStage(int[] stageLayers, int stage, int count) {
        int end = 0;
        for (int i = 0; i <= stage; i++) {
            end += stageLayers[i];
        }
        List<Integer> set = new ArrayList<>(count);
        for (int layer = end - count; layer < end; layer++) {
            set.add(layer);
        }
        return set;
    }

    private PlannedLayout evaluate(Layout layout, PlannedLayout base, Placement placement) {
        return evaluate(layout, base.microBatchSequences(), placement);
    }

    private PlannedLayout evaluate(Layout layout, int microBatchSequences, Placement placement) {
        LayoutCandidate candidate = pool.prepare(layout, microBatchSequences, placement);
        if (candidate == null) {
            return null;
        }
        Estimate estimate = pool.estimate(candidate, placement);
        if (!estimate.fits(request.options().headroomFraction())) {
            return null;
        }
        return new PlannedLayout(layout, microBatchSequences, estimate);
    }

    private static boolean better(PlannedLayout candidate, PlannedLayout incumbent) {
        return candidate.estimate().iterationTimeSeconds()
                < incumbent.estimate().iterationTimeSeconds() * (1 - 1e-9);
    }
}
