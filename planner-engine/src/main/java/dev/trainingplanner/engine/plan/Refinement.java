package dev.trainingplanner.engine.plan;

import dev.trainingplanner.costmodel.estimate.Estimate;
import dev.trainingplanner.costmodel.layout.GradientCoding;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.engine.layout.CandidatePool;
import dev.trainingplanner.engine.layout.LayoutCandidate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Applies the options that change the training code, on the chosen layout and placement, and keeps each only when
 * the cost model predicts a gain:
 *
 * <ul>
 *   <li>gradient coding (cost-models.md §8.3): every fractional-repetition s with (s+1) | dp and every cyclic-repetition
 *       s, scored by the model's expected-time formulas; needs ZeRO 0 (shards must all arrive);
 *   <li>Ladder Residual (cost-models.md §9.3): up to {@code maxLadderFraction}·L layers, taken stage by stage where one
 *       stage's conversion saves most (slow TP links save most), the last layers of a stage first.
 * </ul>
 */
final class Refinement {

    private static final int MAX_STRAGGLERS_TOLERATED = 16;

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
        int dp = start.layout().dp();
        List<GradientCoding> codes = new ArrayList<>();
        for (int s = 1; s < dp && s <= MAX_STRAGGLERS_TOLERATED; s++) {
            if (dp % (s + 1) == 0) {
                codes.add(GradientCoding.fractionalRepetition(s));
            }
            codes.add(GradientCoding.cyclicRepetition(s));
        }
        PlannedLayout best = start;
        for (GradientCoding code : codes) {
            PlannedLayout candidate =
                    evaluate(start.layout().toBuilder().gradientCoding(code).build(), start, placement);
            if (candidate != null && better(candidate, best)) {
                best = candidate;
            }
        }
        if (best != start) {
            notes.add(String.format(
                    Locale.ROOT,
                    "gradient coding %s with s=%d: expected straggler time %.3f s instead of %.3f s",
                    best.layout().gradientCoding().scheme().name().toLowerCase(Locale.ROOT),
                    best.layout().gradientCoding().stragglersTolerated(),
                    best.estimate().breakdown().stragglerSeconds(),
                    start.estimate().breakdown().stragglerSeconds()));
        } else {
            notes.add("gradient coding considered (" + codes.size() + " codes) but none is predicted faster");
        }
        return best;
    }

    private PlannedLayout bestLadder(PlannedLayout start, Placement placement, int budget) {
        Layout layout = start.layout();
        int pp = layout.pp();
        int layers = request.model().layers();
        int perStage = layers / pp;
        record StageGain(int stage, double savingSeconds) {}
        List<StageGain> gains = new ArrayList<>();
        for (int stage = 0; stage < pp; stage++) {
            int count = Math.min(budget, perStage);
            List<Integer> set = lastLayersOfStage(stage, perStage, count);
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
            chosen.addAll(lastLayersOfStage(gain.stage(), perStage, Math.min(perStage, budget - chosen.size())));
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

    private static List<Integer> lastLayersOfStage(int stage, int perStage, int count) {
        List<Integer> set = new ArrayList<>(count);
        for (int layer = (stage + 1) * perStage - count; layer < (stage + 1) * perStage; layer++) {
            set.add(layer);
        }
        return set;
    }

    private PlannedLayout evaluate(Layout layout, PlannedLayout base, Placement placement) {
        LayoutCandidate candidate = pool.prepare(layout, base.microBatchSequences(), placement);
        if (candidate == null) {
            return null;
        }
        Estimate estimate = pool.estimate(candidate, placement);
        if (!estimate.fits(request.options().headroomFraction())) {
            return null;
        }
        return new PlannedLayout(layout, base.microBatchSequences(), estimate);
    }

    private static boolean better(PlannedLayout candidate, PlannedLayout incumbent) {
        return candidate.estimate().iterationTimeSeconds()
                < incumbent.estimate().iterationTimeSeconds() * (1 - 1e-9);
    }
}
