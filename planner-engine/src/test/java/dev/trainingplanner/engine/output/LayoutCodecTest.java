package dev.trainingplanner.engine.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.layout.ExpertParallelism;
import dev.trainingplanner.costmodel.layout.ExpertRouting;
import dev.trainingplanner.costmodel.layout.GradientCoding;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.PartitionGroups;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.layout.TokenDispatcher;
import dev.trainingplanner.costmodel.layout.ZeroPlusPlus;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.engine.output.PlanDocument.LayoutJson;
import dev.trainingplanner.engine.plan.PlannedLayout;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every knob of a layout survives the plan document: encode, write as JSON, read back, decode. */
class LayoutCodecTest {

    private static final ModelSpec MOE = ModelPresets.byName("qwen3-30b-a3b");
    private static final ModelSpec DENSE = ModelPresets.byName("llama3-8b");

    private static Layout.Builder base() {
        return Layout.builder().tp(2).pp(4).dp(8).cp(2).virtualStages(2).sequenceParallel(true);
    }

    static Stream<Layout> layouts() {
        return Stream.of(
                base().build(),
                base().recompute(Recompute.SELECTIVE)
                        .stageLayerCounts(List.of(7, 9, 9, 7))
                        .build(),
                base().recompute(Recompute.FULL)
                        .zeroStage(3)
                        .zeroPlusPlus(new ZeroPlusPlus(true, 8, true))
                        .build(),
                base().zeroStage(3)
                        .zeroPlusPlus(new ZeroPlusPlus(false, 4, false))
                        .partitionGroups(new PartitionGroups(2, 8, 16))
                        .build(),
                // MiCS: every state sharded within a node of 8, replicated across nodes.
                base().zeroStage(3)
                        .partitionGroups(new PartitionGroups(8, 8, 8))
                        .build(),
                base().zeroStage(1)
                        .gradientCoding(GradientCoding.fractionalRepetition(1))
                        .build(),
                base().gradientCoding(GradientCoding.cyclicRepetition(3)).build(),
                base().gradientCoding(GradientCoding.selectiveRepeat(2, 5, 3)).build(),
                base().gradientCoding(GradientCoding.multiplexed(1, 3, 4))
                        .ladderLayers(List.of(3, 5, 17, 30))
                        .stageLayerCounts(List.of(8, 8, 9, 7))
                        .build(),
                base().expertParallelism(ExpertParallelism.of(8, 2)).build(),
                base().expertParallelism(new ExpertParallelism(
                                16, 1, TokenDispatcher.HIERARCHICAL, true, ExpertRouting.dropless(1.3)))
                        .build(),
                base().expertParallelism(ExpertParallelism.of(4, 1)
                                .withDispatcher(TokenDispatcher.ALLGATHER)
                                .withRouting(ExpertRouting.capacity(1.25)))
                        .build());
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void aLayoutReadsBackAsItWasWritten(Layout layout) {
        LayoutJson written = LayoutCodec.toJson(new PlannedLayout(layout, 2, null), MOE);

        LayoutJson stored =
                PlanDocuments.read(PlanDocuments.toJson(documentWith(written))).layout();

        assertThat(stored).isEqualTo(written);
        assertThat(LayoutCodec.layout(stored)).isEqualTo(layout);
        assertThat(stored.microBatchSequences()).isEqualTo(2);
    }

    @Test
    void aDocumentWrittenBeforeTheNewerKnobsReadsWithTheirDefaults() {
        String old =
                """
                {"status":"FEASIBLE","layout":{"summary":"TP2 PP4 DP8","tp":2,"pp":4,"dp":8,"cp":1,
                 "virtualStages":1,"sequenceParallel":true,"recompute":"selective","microBatchSequences":1,
                 "zeroStage":1,"zeroPlusPlus":{"quantizedWeights":false,"hpzGroupSize":1,"quantizedGradients":false}},
                 "placement":[],"alternatives":[],"someLaterKey":1}""";

        Layout layout = LayoutCodec.layout(PlanDocuments.read(old).layout());

        assertThat(layout)
                .isEqualTo(Layout.builder()
                        .tp(2)
                        .pp(4)
                        .dp(8)
                        .sequenceParallel(true)
                        .recompute(Recompute.SELECTIVE)
                        .zeroStage(1)
                        .build());
    }

    @Test
    void anUnknownSchemeIsNamedInTheError() {
        LayoutJson written =
                LayoutCodec.toJson(new PlannedLayout(Layout.builder().dp(4).build(), 1, null), DENSE);
        LayoutJson wrong = new LayoutJson(
                written.summary(),
                written.tp(),
                written.pp(),
                written.dp(),
                written.cp(),
                written.virtualStages(),
                written.sequenceParallel(),
                "sometimes",
                written.microBatchSequences(),
                written.zeroStage(),
                written.zeroPlusPlus(),
                written.partitionGroups(),
                written.gradientCoding(),
                written.ladderLayers(),
                written.stageLayerCounts(),
                written.expertParallelism());

        assertThatThrownBy(() -> LayoutCodec.layout(wrong))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("layout.recompute must be one of [none, selective, full], got 'sometimes'");
    }

    private static PlanDocument documentWith(LayoutJson layout) {
        return new PlanDocument("FEASIBLE", null, layout, List.of(), null, List.of(), null, null, null, null);
    }

    @Test
    void anMoeLayoutSaysHowManyExpertsEachGpuHoldsAndADenseOneHasNoExpertKey() {
        Layout layout = base().expertParallelism(ExpertParallelism.of(16, 2)).build();

        LayoutJson moe = LayoutCodec.toJson(new PlannedLayout(layout, 1, null), MOE);
        LayoutJson dense = LayoutCodec.toJson(new PlannedLayout(base().build(), 1, null), DENSE);

        assertThat(moe.expertParallelism().expertsPerGpu()).isEqualTo(8);
        assertThat(moe.expertParallelism().dispatcher()).isEqualTo("alltoall");
        assertThat(dense.expertParallelism()).isNull();
        assertThat(PlanDocuments.toJson(documentWith(moe)))
                .contains("\"expertParallelism\"", "\"ep\" : 16", "\"expertsPerGpu\" : 8");
    }

    @Test
    void anUnknownDispatcherIsNamedInTheError() {
        String document =
                """
                {"status":"FEASIBLE","layout":{"summary":"tp2","tp":2,"pp":1,"dp":8,"cp":1,"virtualStages":1,
                 "sequenceParallel":true,"recompute":"none","microBatchSequences":1,"zeroStage":1,
                 "expertParallelism":{"ep":8,"etp":1,"dispatcher":"deepep","allToAllOverlap":false,
                 "loadImbalanceFactor":1.0,"capacityFactor":0.0}},
                 "placement":[],"alternatives":[]}""";

        assertThatThrownBy(() -> LayoutCodec.layout(PlanDocuments.read(document).layout()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("token dispatcher must be alltoall, allgather or hierarchical, got 'deepep'");
    }
}
