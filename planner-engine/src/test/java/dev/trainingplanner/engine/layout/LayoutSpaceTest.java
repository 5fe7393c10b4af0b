package dev.trainingplanner.engine.layout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.costmodel.layout.ExpertParallelism;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.PartitionGroups;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.layout.TokenDispatcher;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.engine.plan.SearchOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The framework rules of issue 4 hold for every enumerated layout. */
class LayoutSpaceTest {

    private static final int DENSE_MEGATRON_OPTIONS = 2160;
    private static final int DENSE_DEEPSPEED_OPTIONS = 1467;

    private static final ModelSpec MODEL = ModelPresets.byName("llama2-13b").withSequenceLength(8192);

    private static List<LayoutSpace.Option> enumerate(Framework framework, SearchOptions options) {
        return LayoutSpace.enumerate(MODEL, 256, 64, 8, 8, framework, options);
    }

    @Test
    void tensorParallelSpansTheTraysOfAnNvlinkDomainButNotTheNetwork() {
        // 64 GPUs on trays of 4 in one NVL72 domain: TP may span trays (Llama 2 70B's 64 heads allow up to 64).
        ModelSpec sixtyFourHeads = ModelPresets.byName("llama2-70b").withSequenceLength(4096);
        List<LayoutSpace.Option> domain =
                LayoutSpace.enumerate(sixtyFourHeads, 256, 64, 4, 72, Framework.MEGATRON, SearchOptions.defaults());
        List<LayoutSpace.Option> trays =
                LayoutSpace.enumerate(sixtyFourHeads, 256, 64, 4, 4, Framework.MEGATRON, SearchOptions.defaults());

        assertThat(domain).anyMatch(o -> o.layout().tp() == 16);
        assertThat(domain).allMatch(o -> o.layout().tp() <= 64);
        assertThat(trays).allMatch(o -> o.layout().tp() <= 4);
    }

    @Test
    void megatronUsesTheDistributedOptimizerAtMostAndKeepsTensorParallelInsideNodes() {
        List<LayoutSpace.Option> options = enumerate(Framework.MEGATRON, SearchOptions.defaults());
        assertThat(options).isNotEmpty().allSatisfy(o -> {
            assertThat(o.layout().zeroStage()).isLessThanOrEqualTo(1);
            assertThat(o.layout().tp()).isLessThanOrEqualTo(8);
            assertThat(o.layout().worldSize()).isEqualTo(64);
            assertThat(o.layout().sequenceParallel()).isEqualTo(o.layout().tp() > 1);
            assertThat(256 % (o.layout().dp() * o.microBatchSequences())).isZero();
        });
        assertThat(options).anyMatch(o -> o.layout().virtualStages() > 1);
        assertThat(options).anyMatch(o -> o.layout().cp() > 1);
    }

    @Test
    void deepSpeedLimitsZeroWithPipelinesAndOffersZeroPlusPlusOnlyAtStageThree() {
        List<LayoutSpace.Option> options = enumerate(Framework.DEEPSPEED, SearchOptions.defaults());
        assertThat(options).isNotEmpty().allSatisfy(o -> {
            if (o.layout().pp() > 1) {
                assertThat(o.layout().zeroStage()).isLessThanOrEqualTo(1);
            }
            if (o.layout().zeroPlusPlus().any()) {
                assertThat(o.layout().zeroStage()).isEqualTo(3);
            }
            assertThat(o.layout().virtualStages()).isEqualTo(1);
        });
        assertThat(options).anyMatch(o -> o.layout().zeroPlusPlus().any());
        assertThat(options).anyMatch(o -> o.layout().zeroStage() == 2);
        assertThat(options)
                .filteredOn(o -> !o.layout().partitionGroups().isDefault())
                .isNotEmpty()
                .allSatisfy(o -> {
                    assertThat(o.layout().zeroStage()).isEqualTo(3);
                    assertThat(o.layout().partitionGroups()).isEqualTo(new PartitionGroups(8, 8, 8));
                });
    }

    @Test
    void fsdpShardsFullyOrWithinANode() {
        List<LayoutSpace.Option> options = enumerate(Framework.FSDP, SearchOptions.defaults());
        assertThat(options).isNotEmpty().allSatisfy(o -> {
            assertThat(o.layout().zeroStage()).isIn(0, 3);
            assertThat(o.layout().virtualStages()).isEqualTo(1);
        });
        assertThat(options).anyMatch(o -> o.layout().partitionGroups().optimizerStatesGroupSize() == 8);
    }

    @Test
    void optionsNarrowTheSpace() {
        SearchOptions defaults = SearchOptions.defaults();
        SearchOptions narrow = new SearchOptions(
                java.util.Set.of(0, 1),
                false,
                true,
                defaults.headroomFraction(),
                false,
                0.0,
                2,
                2,
                defaults.precision(),
                1L,
                null,
                null,
                5,
                24);
        List<LayoutSpace.Option> options = enumerate(Framework.DEEPSPEED, narrow);
        assertThat(options).isNotEmpty().allSatisfy(o -> {
            assertThat(o.layout().zeroStage()).isLessThanOrEqualTo(1);
            assertThat(o.layout().zeroPlusPlus().any()).isFalse();
            assertThat(o.microBatchSequences()).isEqualTo(2);
        });
        ModelSpec sixtyFourHeads = ModelPresets.byName("llama2-70b").withSequenceLength(4096);
        assertThat(LayoutSpace.enumerate(sixtyFourHeads, 256, 64, 8, 8, Framework.DEEPSPEED, narrow))
                .anyMatch(o -> o.layout().tp() == 16);
        assertThat(LayoutSpace.enumerate(sixtyFourHeads, 256, 64, 8, 8, Framework.DEEPSPEED, defaults))
                .noneMatch(o -> o.layout().tp() > 8);
    }

    @Test
    void everyPipelineDepthThatFitsTheGpusIsACandidateWithAnUnevenSplitWhereLayersDoNotDivide() {
        // 126 layers (Llama 3.1 405B) on 128 GPUs: pp 4, 8, 16 divide the GPUs but not the layers.
        ModelSpec model = ModelPresets.byName("llama3.1-405b").withSequenceLength(8192);
        List<LayoutSpace.Option> megatron =
                LayoutSpace.enumerate(model, 256, 128, 8, 8, Framework.MEGATRON, SearchOptions.defaults());
        List<LayoutSpace.Option> deepSpeed =
                LayoutSpace.enumerate(model, 256, 128, 8, 8, Framework.DEEPSPEED, SearchOptions.defaults());

        for (int pp : List.of(4, 8, 16)) {
            assertThat(megatron)
                    .filteredOn(o -> o.layout().pp() == pp && o.layout().virtualStages() == 1)
                    .isNotEmpty()
                    .allSatisfy(o -> assertThat(o.layout().layersPerStage(126))
                            .containsExactly(StageSplits.lighterEnds(126, pp, 1).stream()
                                    .mapToInt(Integer::intValue)
                                    .toArray()));
        }
        assertThat(megatron).anyMatch(o -> o.layout().pp() == 16 && o.layout().virtualStages() == 2);
        assertThat(deepSpeed).allSatisfy(o -> assertThat(126 % o.layout().pp()).isZero());
    }

    @Test
    void denseModelsGetNoExpertLayoutsAndTheSameCandidatesAsBefore() {
        List<LayoutSpace.Option> megatron = enumerate(Framework.MEGATRON, SearchOptions.defaults());
        List<LayoutSpace.Option> deepSpeed = enumerate(Framework.DEEPSPEED, SearchOptions.defaults());

        assertThat(megatron)
                .allSatisfy(o -> assertThat(o.layout().expertParallelism()).isEqualTo(ExpertParallelism.NONE));
        // The counts before expert parallelism existed: a dense search is not multiplied by it.
        assertThat(megatron).hasSize(DENSE_MEGATRON_OPTIONS);
        assertThat(deepSpeed).hasSize(DENSE_DEEPSPEED_OPTIONS);
    }

    @Test
    void moeModelsGetEveryExpertDegreeTheFrameworkAccepts() {
        ModelSpec deepSeek = ModelPresets.byName("deepseek-v3");
        List<LayoutSpace.Option> megatron =
                LayoutSpace.enumerate(deepSeek, 1024, 64, 8, 8, Framework.MEGATRON, SearchOptions.defaults());

        assertThat(megatron).isNotEmpty().allSatisfy(o -> {
            Layout l = o.layout();
            assertThat(256 % l.ep()).isZero();
            assertThat((l.tp() * l.cp() * l.dp()) % (l.ep() * l.etp())).isZero();
            assertThat(l.etp()).isIn(1, l.tp());
            assertThat(l.expertParallelism().dispatcher()).isEqualTo(TokenDispatcher.ALLTOALL);
            assertThat(l.expertParallelism().allToAllOverlap()).isFalse();
        });
        assertThat(megatron).extracting(o -> o.layout().ep()).contains(1, 2, 4, 8, 16, 32, 64);
        assertThat(megatron).anyMatch(o -> o.layout().etp() == 8 && o.layout().tp() == 8);

        ModelSpec mixtral = ModelPresets.byName("mixtral-8x7b").withSequenceLength(4096);
        List<LayoutSpace.Option> deepSpeed =
                LayoutSpace.enumerate(mixtral, 256, 64, 8, 8, Framework.DEEPSPEED, SearchOptions.defaults());
        assertThat(deepSpeed).isNotEmpty().allSatisfy(o -> {
            assertThat(o.layout().dp() % o.layout().ep()).isZero();
            assertThat(o.layout().ep()).isLessThanOrEqualTo(8);
            assertThat(o.layout().zeroStage()).isLessThanOrEqualTo(2);
        });
        assertThat(deepSpeed).anyMatch(o -> o.layout().ep() == 8);
    }

    @Test
    void megatronTriesEveryDispatcherAndOverlapWhereItsArgumentChecksAllowThem() {
        Layout base = Layout.builder()
                .tp(2)
                .dp(16)
                .expertParallelism(ExpertParallelism.of(8, 1))
                .build();

        List<ExpertParallelism> variants = ExpertLayouts.communication(base, Framework.MEGATRON);

        assertThat(variants)
                .extracting(e -> e.dispatcher().externalName() + (e.allToAllOverlap() ? "+overlap" : ""))
                .containsExactlyInAnyOrder("alltoall+overlap", "allgather", "hierarchical", "hierarchical+overlap");
        assertThat(variants).allSatisfy(e -> assertThat(e.ep()).isEqualTo(8));
        // Overlap needs the interleaved schedule with pipelining and no full recompute; none with ep = 1.
        assertThat(ExpertLayouts.communication(base.toBuilder().pp(4).build(), Framework.MEGATRON))
                .noneMatch(ExpertParallelism::allToAllOverlap)
                .hasSize(2);
        assertThat(ExpertLayouts.communication(
                        base.toBuilder().pp(4).virtualStages(2).build(), Framework.MEGATRON))
                .anyMatch(ExpertParallelism::allToAllOverlap);
        assertThat(ExpertLayouts.communication(
                        base.toBuilder().recompute(Recompute.FULL).build(), Framework.MEGATRON))
                .noneMatch(ExpertParallelism::allToAllOverlap);
        assertThat(ExpertLayouts.communication(
                        base.toBuilder()
                                .expertParallelism(ExpertParallelism.of(1, 2))
                                .build(),
                        Framework.MEGATRON))
                .isEmpty();
        // DeepSpeed-MoE and torchtitan dispatch by all-to-all only, without overlap.
        assertThat(ExpertLayouts.communication(base, Framework.DEEPSPEED)).isEmpty();
        assertThat(ExpertLayouts.communication(base, Framework.FSDP)).isEmpty();
    }
}
