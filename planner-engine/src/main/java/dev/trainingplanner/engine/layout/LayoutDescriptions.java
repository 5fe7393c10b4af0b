package dev.trainingplanner.engine.layout;

import dev.trainingplanner.costmodel.layout.Layout;
import java.util.Locale;

/**
 * Compact layout names for summaries and logs, e.g. {@code tp4 pp2 dp4 cp1 sp mb2 zero1 recompute=selective}: the
 * plan document's {@code layout.summary}, the plans list and the best plan so far.
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
