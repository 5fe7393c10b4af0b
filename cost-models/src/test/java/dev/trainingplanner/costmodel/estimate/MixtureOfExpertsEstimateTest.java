package dev.trainingplanner.costmodel.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import dev.trainingplanner.costmodel.cluster.GpuType;
import dev.trainingplanner.costmodel.layout.ExpertParallelism;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.TokenDispatcher;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MoE time terms of whole estimates: where the expert groups' collectives run, and which layouts are invalid. */
class MixtureOfExpertsEstimateTest {

    private static final GpuType H100 = GpuCatalog.byName("H100-80GB");
    private static final ModelSpec QWEN = ModelPresets.byName("qwen3-30b-a3b");
    private static final TrainingSpec TRAINING = new TrainingSpec(256, 1, Precision.BF16);
    private static final CostModel COST_MODEL = new CostModel();

    private static Layout layout(int pp, int dp, ExpertParallelism experts) {
        return Layout.builder()
                .pp(pp)
                .dp(dp)
                .zeroStage(1)
                .expertParallelism(experts)
                .build();
    }

    private static PlacementEvaluator evaluate(ModelSpec model, Cluster cluster, Layout layout) {
        return evaluate(model, TRAINING, cluster, layout);
    }

    private static PlacementEvaluator evaluate(ModelSpec model, TrainingSpec training, Cluster cluster, Layout layout) {
        PreparedLayout prepared = COST_MODEL.prepare(model, training, cluster, layout);
        return new PlacementEvaluator(prepared, Placement.packed(cluster, layout.worldSize()));
    }

    private static Cluster trays(boolean oneDomain) {
        Cluster.Builder builder = Cluster.builder(H100, 4, 4);
        if (oneDomain) {
            for (int node = 0; node < 4; node++) {
                builder.nvlinkDomain(node, "rack-a");
            }
        }
        return builder.build();
    }

    @Test
    void anExpertGroupAcrossNodesPaysTheNetworkUnlessTheNodesShareAnNvlinkDomain() {
        Layout ep8 = layout(1, 16, ExpertParallelism.of(8, 1));
        double inNode = evaluate(QWEN, Cluster.uniform(H100, 2, 8), ep8).expertAllToAll[0];
        double acrossTrays = evaluate(QWEN, trays(false), ep8).expertAllToAll[0];
        double inDomain = evaluate(QWEN, trays(true), ep8).expertAllToAll[0];
        assertThat(inNode).isPositive();
        assertThat(acrossTrays).isGreaterThan(2 * inNode);
        assertThat(inDomain).isCloseTo(inNode, within(1e-12));
        Estimate estimate = COST_MODEL.estimatePacked(QWEN, TRAINING, trays(false), ep8);
        assertThat(estimate.breakdown().exposedExpertAllToAllSeconds())
                .isCloseTo(
                        estimate.breakdown().totalSeconds()
                                - estimate.breakdown().computeSeconds()
                                - estimate.breakdown().recomputeSeconds()
                                - estimate.breakdown().pipelineBubbleSeconds()
                                - estimate.breakdown().exposedTensorParallelSeconds()
                                - estimate.breakdown().exposedPipelineP2pSeconds()
                                - estimate.breakdown().exposedDataParallelSeconds()
                                - estimate.breakdown().optimizerStepSeconds()
                                - estimate.breakdown().stragglerSeconds(),
                        within(1e-9))
                .isPositive();
    }

    @Test
    void theHierarchicalDispatcherAndOverlapCutTheExposedAllToAllAcrossNodes() {
        ExpertParallelism plain = ExpertParallelism.of(16, 1);
        Cluster cluster = trays(false);
        double alltoall = evaluate(QWEN, cluster, layout(1, 16, plain)).expertAllToAll[0];
        double hierarchical = evaluate(QWEN, cluster, layout(1, 16, plain.withDispatcher(TokenDispatcher.HIERARCHICAL)))
                .expertAllToAll[0];
        PlacementEvaluator overlapped = evaluate(QWEN, cluster, layout(1, 16, plain.withAllToAllOverlap(true)));
        assertThat(hierarchical).isLessThan(alltoall);
        double hidden = QWEN.moeLayers() * overlapped.prep().moeLayerComputeSeconds;
        assertThat(overlapped.expertAllToAll[0]).isCloseTo(Math.max(0, alltoall - hidden), within(1e-9));
    }

    @Test
    void expertGradientsReduceOverTheExpertDataParallelGroupOnItsOwnLinks() {
        // dp 16, ep 8: expert-DP groups {r, r + 8}; on one 16-GPU node they stay on NVLink, on two nodes they cross.
        // DeepSpeed's pipeline engine hides no reduction, so the collectives show whole.
        Layout ep8 = layout(1, 16, ExpertParallelism.of(8, 1));
        TrainingSpec unhidden = new TrainingSpec(256, 1, Precision.BF16, Framework.DEEPSPEED);
        PlacementEvaluator oneNode = evaluate(QWEN, unhidden, Cluster.uniform(H100, 1, 16), ep8);
        PlacementEvaluator twoNodes = evaluate(QWEN, unhidden, Cluster.uniform(H100, 2, 8), ep8);
        double routed = QWEN.moeLayers() * QWEN.mixtureOfExperts().routedExperts() * QWEN.expertParameters();
        assertThat(oneNode.prep().expertGradientBytes[0]).isCloseTo(2 * routed / 8, within(1.0));
        assertThat(oneNode.expertDataParallel[0]).isPositive();
        assertThat(twoNodes.expertDataParallel[0]).isGreaterThan(oneNode.expertDataParallel[0]);
        // ep = 16 covers the stage: every expert has one copy, nothing to reduce, and the dense ring keeps the rest.
        PlacementEvaluator ep16 =
                evaluate(QWEN, Cluster.uniform(H100, 2, 8), layout(1, 16, ExpertParallelism.of(16, 1)));
        assertThat(ep16.expertDataParallel[0]).isZero();
        assertThat(ep16.prep().dpGradientBytes[0])
                .isCloseTo(2 * (ep16.prep().stageParameters[0] - routed / 16), within(1.0));
    }

    @Test
    void aSessionThatMovesExpertGroupsAgreesWithAFreshEvaluation() {
        Cluster cluster = trays(false);
        Layout layout = layout(2, 8, ExpertParallelism.of(8, 1).withDispatcher(TokenDispatcher.HIERARCHICAL));
        PreparedLayout prepared = COST_MODEL.prepare(QWEN, TRAINING, cluster, layout);
        PlacementSession session = prepared.start(Placement.packed(cluster, layout.worldSize()));
        session.swapNodes(1, 2);
        session.swapGpus(0, 0, 3);
        Estimate fresh = prepared.evaluate(session.placement());
        assertThat(session.iterationTimeSeconds()).isCloseTo(fresh.iterationTimeSeconds(), within(1e-12));
        assertThat(session.estimate().breakdown()).isEqualTo(fresh.breakdown());
    }

    @Test
    void expertLayoutsThatMegatronRejectsAreViolations() {
        Cluster cluster = Cluster.uniform(H100, 2, 8);
        assertThat(codes(QWEN, cluster, layout(1, 16, ExpertParallelism.of(8, 1))))
                .isEmpty();
        assertThat(codes(QWEN, cluster, layout(1, 16, ExpertParallelism.of(12, 1))))
                .contains(ViolationCode.EXPERT_LAYOUT_NOT_DIVISIBLE, ViolationCode.EXPERTS_NOT_DIVISIBLE);
        assertThat(codes(QWEN, cluster, layout(1, 16, ExpertParallelism.of(2, 5))))
                .contains(ViolationCode.EXPERT_LAYOUT_NOT_DIVISIBLE, ViolationCode.EXPERT_FFN_NOT_DIVISIBLE);
        ModelSpec dense = ModelPresets.byName("llama2-7b");
        List<Violation> onDense = COST_MODEL
                .estimatePacked(dense, TRAINING, cluster, layout(1, 16, ExpertParallelism.of(8, 1)))
                .violations();
        assertThat(onDense)
                .anySatisfy(v -> assertThat(v.reason()).contains("needs a mixture-of-experts model"))
                .extracting(Violation::code)
                .contains(ViolationCode.EXPERT_PARALLEL_WITHOUT_EXPERTS);
    }

    private static List<ViolationCode> codes(ModelSpec model, Cluster cluster, Layout layout) {
        return COST_MODEL.estimatePacked(model, TRAINING, cluster, layout).violations().stream()
                .map(Violation::code)
                .filter(code -> code != ViolationCode.OUT_OF_MEMORY)
                .toList();
    }
}
