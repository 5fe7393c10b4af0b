package dev.trainingplanner.api.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainingplanner.api.planning.LaunchPlan;
import dev.trainingplanner.costmodel.model.ModelPresets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Artifacts for the plan knobs that only some plans have: an uneven pipeline split and DeepSpeed MiCS. */
class LaunchArtifactsTest {

    private final ObjectMapper json = new ObjectMapper();
    private final LaunchArtifacts artifacts = new LaunchArtifacts(json);

    private static LaunchPlan plan(String framework, int zeroStage, List<Integer> split, Integer mics) {
        List<LaunchPlan.RankPlacement> ranks = new ArrayList<>();
        for (int rank = 0; rank < 16; rank++) {
            ranks.add(new LaunchPlan.RankPlacement(rank, "node-" + rank / 8, rank % 8));
        }
        return new LaunchPlan(
                framework, 2, 4, 2, 1, 1, true, 1, 64, zeroStage, 1, false, false, "bf16", "none", ranks, split, mics);
    }

    @Test
    void anUnevenSplitBecomesMegatronsFirstAndLastStageLayerCounts() {
        String args = artifacts.megatronArguments(
                plan("megatron", 1, List.of(19, 21, 21, 19), null), ModelPresets.byName("llama3-70b"));

        assertThat(args)
                .contains("--decoder-first-pipeline-num-layers 19")
                .contains("--decoder-last-pipeline-num-layers 19")
                .contains("--num-layers 80");
        assertThat(artifacts.megatronArguments(plan("megatron", 1, null, null), ModelPresets.byName("llama3-70b")))
                .doesNotContain("--decoder-first-pipeline-num-layers");
    }

    @Test
    void micsShardSizeGoesIntoTheZeroSection() {
        ObjectNode mics = artifacts.deepSpeedConfig(plan("deepspeed", 3, null, 8));
        ObjectNode plain = artifacts.deepSpeedConfig(plan("deepspeed", 3, null, null));

        assertThat(mics.at("/zero_optimization/mics_shard_size").asInt()).isEqualTo(8);
        assertThat(plain.at("/zero_optimization").has("mics_shard_size")).isFalse();
    }

    @Test
    void aPlanStoredBeforeTheseKnobsReadsAsEvenAndWithoutMics() throws Exception {
        String stored = json.writeValueAsString(plan("megatron", 1, null, null))
                .replace(",\"stageLayerCounts\":null", "")
                .replace(",\"micsShardSize\":null", "");
        assertThat(stored).doesNotContain("stageLayerCounts");

        LaunchPlan read = json.readValue(stored, LaunchPlan.class);

        assertThat(read.unevenStages()).isFalse();
        assertThat(read.micsShardSize()).isNull();
    }
}
