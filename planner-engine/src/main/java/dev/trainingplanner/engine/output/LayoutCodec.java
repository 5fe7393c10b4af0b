package dev.trainingplanner.engine.output;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.layout.ExpertParallelism;
import dev.trainingplanner.costmodel.layout.ExpertRouting;
import dev.trainingplanner.costmodel.layout.GradientCoding;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.PartitionGroups;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.layout.TokenDispatcher;
import dev.trainingplanner.costmodel.layout.ZeroPlusPlus;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.engine.output.PlanDocument.ExpertParallelismJson;
import dev.trainingplanner.engine.output.PlanDocument.GradientCodingJson;
import dev.trainingplanner.engine.output.PlanDocument.LayoutJson;
import dev.trainingplanner.engine.output.PlanDocument.PartitionGroupsJson;
import dev.trainingplanner.engine.output.PlanDocument.ZeroPlusPlusJson;
import dev.trainingplanner.engine.plan.PlannedLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The plan document's {@code layout} and the cost model's {@link Layout}, both ways and losslessly: every knob of the
 * record (uneven stage split, ZeRO++, partition groups and MiCS, gradient coding with its parameters, Ladder layers,
 * expert parallelism with dispatcher, overlap and routing) has its key. Whoever scores or launches a stored plan reads
 * its layout here. Documents written before a key existed read with that knob's default (even split, no ZeRO++, default
 * groups, no coding, no Ladder layers, no expert parallelism); dense models write no {@code expertParallelism}.
 */
public final class LayoutCodec {

    private LayoutCodec() {}

    /** The document form of {@code planned} for {@code model} (whose routed experts give the experts per GPU). */
    public static LayoutJson toJson(PlannedLayout planned, ModelSpec model) {
        Layout l = planned.layout();
        return new LayoutJson(
                planned.describe(),
                l.tp(),
                l.pp(),
                l.dp(),
                l.cp(),
                l.virtualStages(),
                l.sequenceParallel(),
                l.recompute().name().toLowerCase(Locale.ROOT),
                planned.microBatchSequences(),
                l.zeroStage(),
                new ZeroPlusPlusJson(
                        l.zeroPlusPlus().quantizedWeights(),
                        l.zeroPlusPlus().hpzGroupSize(),
                        l.zeroPlusPlus().quantizedGradients()),
                new PartitionGroupsJson(
                        l.partitionGroups().weightsGroupSize(),
                        l.partitionGroups().gradientsGroupSize(),
                        l.partitionGroups().optimizerStatesGroupSize()),
                new GradientCodingJson(
                        l.gradientCoding().scheme().name(),
                        l.gradientCoding().stragglersTolerated(),
                        l.gradientCoding().burstLength(),
                        l.gradientCoding().window(),
                        l.gradientCoding().maxStragglersInWindow()),
                l.ladderLayers(),
                l.stageLayerCounts(),
                expertParallelism(l.expertParallelism(), model));
    }

    private static ExpertParallelismJson expertParallelism(ExpertParallelism experts, ModelSpec model) {
        if (!model.mixtureOfExperts().isPresent() && experts.equals(ExpertParallelism.NONE)) {
            return null;
        }
        return new ExpertParallelismJson(
                experts.ep(),
                experts.etp(),
                model.mixtureOfExperts().routedExperts() / experts.ep(),
                experts.dispatcher().externalName(),
                experts.allToAllOverlap(),
                experts.routing().loadImbalanceFactor(),
                experts.routing().capacityFactor());
    }

    private static ExpertParallelism expertParallelism(ExpertParallelismJson json) {
        if (json == null) {
            return ExpertParallelism.NONE;
        }
        return new ExpertParallelism(
                json.ep(),
                json.etp(),
                TokenDispatcher.parse(json.dispatcher()),
                json.allToAllOverlap(),
                new ExpertRouting(json.loadImbalanceFactor(), json.capacityFactor()));
    }

    /** The layout a document describes (its micro-batch is {@link LayoutJson#microBatchSequences()}). */
    public static Layout layout(LayoutJson json) {
        return Layout.builder()
                .tp(json.tp())
                .pp(json.pp())
                .dp(json.dp())
                .cp(json.cp())
                .virtualStages(json.virtualStages())
                .sequenceParallel(json.sequenceParallel())
                .recompute(named(Recompute.class, json.recompute(), "layout.recompute"))
                .zeroStage(json.zeroStage())
                .zeroPlusPlus(zeroPlusPlus(json.zeroPlusPlus()))
                .partitionGroups(partitionGroups(json.partitionGroups()))
                .gradientCoding(gradientCoding(json.gradientCoding()))
                .ladderLayers(json.ladderLayers())
                .stageLayerCounts(json.stageLayerCounts())
                .expertParallelism(expertParallelism(json.expertParallelism()))
                .build();
    }

    private static ZeroPlusPlus zeroPlusPlus(ZeroPlusPlusJson json) {
        return json == null
                ? ZeroPlusPlus.NONE
                : new ZeroPlusPlus(json.quantizedWeights(), json.hpzGroupSize(), json.quantizedGradients());
    }

    private static PartitionGroups partitionGroups(PartitionGroupsJson json) {
        return json == null
                ? PartitionGroups.DEFAULT
                : new PartitionGroups(
                        json.weightsGroupSize(), json.gradientsGroupSize(), json.optimizerStatesGroupSize());
    }

    private static GradientCoding gradientCoding(GradientCodingJson json) {
        return json == null
                ? GradientCoding.NONE
                : new GradientCoding(
                        named(GradientCoding.Scheme.class, json.scheme(), "layout.gradientCoding.scheme"),
                        json.stragglersTolerated(),
                        json.burstLength(),
                        json.window(),
                        json.maxStragglersInWindow());
    }

    private static <E extends Enum<E>> E named(Class<E> type, String name, String field) {
        E[] values = type.getEnumConstants();
        for (E value : values) {
            if (value.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return value;
            }
        }
        List<String> names = Arrays.stream(values)
                .map(v -> v.name().toLowerCase(Locale.ROOT))
                .toList();
        throw new InvalidInputException(field + " must be one of " + names + ", got '" + name + "'");
    }
}
