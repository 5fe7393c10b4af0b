package dev.trainingplanner.costmodel.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.layout.TokenDispatcher;
import dev.trainingplanner.costmodel.model.LatentAttention;
import dev.trainingplanner.costmodel.model.MixtureOfExperts;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchEstimatorTest {

    private static final String HEADER = String.join(",", CaseRows.INPUT_COLUMNS);

    private static Map<String, String> row(String values) {
        return CsvTable.parse(HEADER + "\n" + values + "\n").rows().get(0);
    }

    @Test
    void blankFieldsTakeTheDocumentedDefaults() {
        CaseInputs in = CaseRows.parse(row("x,,,m,24,2048,,16,,50257,2048,,,,,V100-32GB,16,,,,2,,,,,,,,,"));
        assertThat(in.model().ffnHiddenSize()).isEqualTo(8192);
        assertThat(in.model().kvHeads()).isEqualTo(16);
        assertThat(in.model().tiedEmbeddings()).isTrue();
        assertThat(in.model().flashAttention()).isTrue();
        assertThat(in.training().precision()).isEqualTo(Precision.FP16);
        assertThat(in.training().microBatchSequences()).isEqualTo(1);
        assertThat(in.training().globalBatchSequences()).isEqualTo(8);
        assertThat(in.layout().dp()).isEqualTo(8);
        assertThat(in.layout().sequenceParallel()).isTrue();
        assertThat(in.layout().zeroStage()).isEqualTo(1);
        assertThat(in.layout().recompute()).isEqualTo(Recompute.NONE);
        assertThat(in.placement().nodesUsed()).isEqualTo(2);
        assertThat(in.placement().gpusPerNodeUsed()).isEqualTo(8);
    }

    @Test
    void aWorldThatDoesNotFillWholeNodesUsesTheLargestFittingDivisor() {
        CaseInputs in = CaseRows.parse(row("x,,,m,24,2048,,16,,50257,2048,,12,,bf16,A100-80GB,12,8,,,1,1,12,,,,,,,"));
        assertThat(in.placement().nodesUsed()).isEqualTo(2);
        assertThat(in.placement().gpusPerNodeUsed()).isEqualTo(6);
    }

    @Test
    void mixtureOfExpertsLatentAttentionAndHeadDimColumnsBuildTheModelAndLayout() {
        Map<String, String> row = row("x,,,m,61,7168,18432,128,128,129280,4096,swiglu,4096,1,bf16,H100-80GB,256,8,,,"
                + "1,2,128,,,,,,,,,128,256,8,2048,1,3,32,2,1536,512,64,128,");
        CaseInputs in = CaseRows.parse(row);
        assertThat(in.model().headDim()).isEqualTo(128);
        assertThat(in.model().mixtureOfExperts()).isEqualTo(new MixtureOfExperts(256, 8, 2048, 1, 3));
        assertThat(in.model().latentAttention()).isEqualTo(new LatentAttention(1536, 512, 64, 128));
        assertThat(in.layout().ep()).isEqualTo(32);
        assertThat(in.layout().etp()).isEqualTo(2);
        assertThat(in.layout().expertParallelism().dispatcher()).isEqualTo(TokenDispatcher.ALLTOALL);
        assertThat(in.layout().expertParallelism().allToAllOverlap()).isFalse();

        Map<String, String> qwen = row("x,,,m,48,2048,6144,32,4,151936,4096,swiglu,512,1,bf16,H100-80GB,8,8,,,1,1,8,,"
                + ",,,,,,,128,128,8,768,,,8,,,,,,");
        CaseInputs moe = CaseRows.parse(qwen);
        assertThat(moe.model().headDim()).isEqualTo(128);
        assertThat(moe.model().mixtureOfExperts()).isEqualTo(new MixtureOfExperts(128, 8, 768, 0, 0));
        assertThat(moe.model().latentAttention()).isEqualTo(LatentAttention.NONE);
        assertThat(moe.layout().etp()).isEqualTo(1);
    }

    @Test
    void recipeTokensOfTheNoteSetTheDispatcherOverlapAndGraphScope() {
        Map<String, String> row = new HashMap<>(row("x,,,m,48,2048,6144,32,4,151936,4096,swiglu,512,1,bf16,H100-80GB,8,"
                + "8,,,1,1,8,,,,,,,,,128,128,8,768,,,8,,,,,,"));
        assertThat(CaseRows.expertParallelism(row).graphCaptured()).isFalse();
        row.put("note", "source notes: etp=1; dispatcher=hybridep; moe_a2a_overlap=1; cuda_graph=full_iteration");
        var experts = CaseRows.expertParallelism(row);
        assertThat(experts.dispatcher()).isEqualTo(TokenDispatcher.HIERARCHICAL);
        assertThat(experts.allToAllOverlap()).isTrue();
        assertThat(experts.graphCaptured()).isTrue();
        row.put("note", "dispatcher=allgather; cuda_graph=transformer_engine['moe_router']");
        assertThat(CaseRows.expertParallelism(row).dispatcher()).isEqualTo(TokenDispatcher.ALLGATHER);
        assertThat(CaseRows.expertParallelism(row).graphCaptured()).isFalse();
        row.put("note", "dispatcher=ring");
        assertThatThrownBy(() -> CaseRows.parse(row)).hasMessageContaining("token dispatcher must be alltoall");
        row.put("note", "moe_a2a_overlap=yes");
        assertThatThrownBy(() -> CaseRows.parse(row)).hasMessageContaining("moe_a2a_overlap must be 0 or 1");
    }

    @Test
    void aJobOnNvl72RacksTakesTheTraysThatHoldWholeExpertGroups() {
        assertThat(CaseRows.nodesPerJobInDomain(18, 4, 64)).isEqualTo(16);
        assertThat(CaseRows.nodesPerJobInDomain(18, 4, 32)).isEqualTo(16);
        assertThat(CaseRows.nodesPerJobInDomain(18, 4, 8)).isEqualTo(18);
        assertThat(CaseRows.nodesPerJobInDomain(18, 4, 4)).isEqualTo(18);
        assertThat(CaseRows.nodesPerJobInDomain(18, 4, 128)).isEqualTo(18);
    }

    @Test
    void inconsistentMixtureOfExpertsAndLatentAttentionColumnsAreRefusedWithTheirReason() {
        Map<String, String> dense = row("x,,,m,24,2048,,16,,50257,2048,,,,bf16,H100-80GB,8,8,,,1,,,,,,,,,");
        assertThat(CaseRows.parse(dense).model().mixtureOfExperts()).isEqualTo(MixtureOfExperts.NONE);

        Map<String, String> tooManyChosen = new HashMap<>(dense);
        tooManyChosen.putAll(Map.of("num_experts", "8", "top_k", "9", "moe_ffn_hidden", "1024"));
        assertThatThrownBy(() -> CaseRows.parse(tooManyChosen))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("top_k 9 exceeds num_experts 8");

        Map<String, String> noWidth = new HashMap<>(dense);
        noWidth.putAll(Map.of("num_experts", "8", "top_k", "2"));
        assertThatThrownBy(() -> CaseRows.parse(noWidth)).hasMessageContaining("needs top_k and moe_ffn_hidden");

        Map<String, String> orphan = new HashMap<>(dense);
        orphan.put("top_k", "2");
        assertThatThrownBy(() -> CaseRows.parse(orphan))
                .hasMessageContaining("[top_k] are filled but num_experts is blank");

        Map<String, String> partLatent = new HashMap<>(dense);
        partLatent.putAll(Map.of("kv_lora_rank", "512", "v_head_dim", "128"));
        assertThatThrownBy(() -> CaseRows.parse(partLatent))
                .hasMessageContaining("latent attention columns are partly filled: [kv_lora_rank, v_head_dim] given,"
                        + " [qk_rope_head_dim] blank");

        Map<String, String> queryOnly = new HashMap<>(dense);
        queryOnly.put("q_lora_rank", "1536");
        assertThatThrownBy(() -> CaseRows.parse(queryOnly)).hasMessageContaining("q_lora_rank is filled");

        Map<String, String> otherHeadDim = new HashMap<>(dense);
        otherHeadDim.put("head_dim", "64");
        assertThat(CaseRows.parse(otherHeadDim).model().headDim()).isEqualTo(64);
    }

    @Test
    void theFrameworkColumnChoosesTheFramework() {
        Map<String, String> dense = row("x,,,m,24,2048,,16,,50257,2048,,,,bf16,H100-80GB,8,8,,,1,,,,,,,,,");
        Map<String, String> framework = new HashMap<>(dense);
        assertThat(CaseRows.parse(dense).training().framework()).isEqualTo(Framework.MEGATRON);
        framework.put("framework", "deepspeed");
        assertThat(CaseRows.parse(framework).training().framework()).isEqualTo(Framework.DEEPSPEED);
        framework.put("framework", "jax");
        assertThatThrownBy(() -> CaseRows.parse(framework))
                .hasMessageContaining("unknown framework 'jax'; use one of megatron, deepspeed, fsdp");
    }

    @Test
    void nvlinkDomainGroupsConsecutiveTraysAndBlockScaledPrecisionsAreRead() {
        Map<String, String> rack = row("x,,,m,24,2048,,16,,50257,2048,,,,mxfp8,GB200-186GB,16,4,,,8,,,,,,,,,");
        rack.put("nvlink_domain", "8");
        CaseInputs in = CaseRows.parse(rack);
        assertThat(in.training().precision()).isEqualTo(Precision.MXFP8);
        assertThat(in.cluster().nodeCount()).isEqualTo(4);
        assertThat(in.cluster().sameNvlinkDomain(0, 1)).isTrue();
        assertThat(in.cluster().sameNvlinkDomain(1, 2)).isFalse();
        assertThat(in.cluster().sameNvlinkDomain(2, 3)).isTrue();

        rack.put("nvlink_domain", "6");
        assertThatThrownBy(() -> CaseRows.parse(rack))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("nvlink_domain 6 must be a multiple of gpus_per_node 4");
        rack.put("nvlink_domain", "");
        rack.put("precision", "fp4");
        assertThatThrownBy(() -> CaseRows.parse(rack))
                .hasMessageContaining("precision must be one of fp16, bf16, fp8, mxfp8, nvfp4, got 'fp4'");
    }

    @Test
    void badRowsGiveTheirReasonAndOtherRowsAreStillEstimated() {
        CsvTable table = CsvTable.parse(HEADER + "\n"
                + "ok,,,m,24,2048,,16,,50257,2048,gelu,16,,,A100-80GB,8,,,,,,,,,,,,,\n"
                + "bad,,,m,24,2048,,16,,50257,2048,relu,16,,,A100-80GB,8,,,,,,,,,,,,,\n"
                + "nan,,,m,24,2048,,16,,50257,2048,gelu,16,,,A100-80GB,8,,NaN,,,,,,,,,,,\n"
                + "\"q,uoted\",,,m,0,2048,,16,,50257,2048,gelu,16,,,A100-80GB,8,,,,,,,,,,,,,\n");
        List<BatchEstimator.Result> results = new BatchEstimator(new CostModel()).estimateAll(table);
        assertThat(results).extracting(BatchEstimator.Result::caseId).containsExactly("ok", "bad", "nan", "q,uoted");
        assertThat(results.get(0).error()).isNull();
        assertThat(results.get(1).error()).contains("mlp must be gelu or swiglu, got 'relu'");
        assertThat(results.get(2).error()).contains("intra_node_GBps must be a finite number above 0");
        assertThat(results.get(3).error()).contains("layers must be at least 1");
        assertThat(CsvTable.line(results.get(3).cells())).startsWith("\"q,uoted\",");
    }

    @Test
    void aFileWithoutTheRequiredColumnsIsUnusable() {
        assertThatThrownBy(() -> new BatchEstimator(new CostModel()).estimateAll(CsvTable.parse("a,b\n1,2\n")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("lacks the column(s)");
        assertThatThrownBy(() -> CsvTable.parse(""))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no header row");
    }
}
