package dev.trainingplanner.engine.layout;

import dev.trainingplanner.costmodel.layout.ExpertParallelism;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.TokenDispatcher;
import java.util.Locale;

/**
 * Compact layout names for summaries and logs, e.g. {@code tp4 pp2 dp4 cp1 sp mb2 zero1 recompute=selective}: the
 * plan document's {@code layout.summary}, the plans list and the best plan so far. Expert parallelism other than the
 * default shows as {@code ep8 etp2 dispatcher=hierarchical a2a-overlap} (etp, dispatcher and overlap only where they
 * differ from 1, alltoall and off).
 */
public final class LayoutDescriptions {

    private LayoutDescriptions() {}

    public static String describe(Layout layout, int microBatchSequences) {
        StringBuilder text = new StringBuilder();
        text.append("tp").append(layout.tp());
        text.append(" pp").append(layout.pp());
        text.append(" dp").append(layout.dp());
        text.append(" cp").append(layout.cp());
        if (layout.virtualStages() > 1) {
            text.append(" vpp").append(layout.virtualStages());
        }
        if (layout.sequenceParallel()) {
            text.append(" sp");
        }
        ExpertParallelism experts = layout.expertParallelism();
        if (!experts.equals(ExpertParallelism.NONE)) {
            text.append(" ep").append(experts.ep());
            if (experts.etp() > 1) {
                text.append(" etp").append(experts.etp());
            }
            if (experts.dispatcher() != TokenDispatcher.ALLTOALL) {
                text.append(" dispatcher=").append(experts.dispatcher().externalName());
            }
            if (experts.allToAllOverlap()) {
                text.append(" a2a-overlap");
            }
        }
        text.append(" mb").append(microBatchSequences);
        text.append(" zero").append(layout.zeroStage());
        if (layout.zeroPlusPlus().any()) {
            text.append(" zero++(")
                    .append(layout.zeroPlusPlus().quantizedWeights() ? "qwZ " : "")
                    .append("hpZ=")
                    .append(layout.zeroPlusPlus().hpzGroupSize())
                    .append(layout.zeroPlusPlus().quantizedGradients() ? " qgZ" : "")
                    .append(')');
        }
        if (!layout.partitionGroups().isDefault()) {
            text.append(" groups(w=")
                    .append(layout.partitionGroups().weightsGroupSize())
                    .append(",g=")
                    .append(layout.partitionGroups().gradientsGroupSize())
                    .append(",os=")
                    .append(layout.partitionGroups().optimizerStatesGroupSize())
                    .append(')');
        }
        // Named, not bare: a trailing "none" read as a layout knob of its own.
        text.append(" recompute=").append(layout.recompute().name().toLowerCase(Locale.ROOT));
        if (!layout.gradientCoding().isNone()) {
            text.append(" gc=")
                    .append(layout.gradientCoding().scheme().name().toLowerCase(Locale.ROOT))
                    .append('(')
                    .append(layout.gradientCoding().parameters())
                    .append(')');
        }
        if (!layout.ladderLayers().isEmpty()) {
            text.append(" ladder=").append(layout.ladderLayers().size());
        }
        return text.toString();
    }
}
