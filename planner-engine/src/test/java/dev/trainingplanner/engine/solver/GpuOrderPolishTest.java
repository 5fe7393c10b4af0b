package dev.trainingplanner.engine.solver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.engine.TestProblems;
import dev.trainingplanner.engine.bench.SyntheticClusters;
import dev.trainingplanner.engine.layout.CandidatePool;
import dev.trainingplanner.engine.layout.LayoutCandidate;
import dev.trainingplanner.engine.profile.ClusterConverter;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GpuOrderPolishTest {

    @Test
    void tensorParallelGroupsMoveOntoOneIsland() {
        ProfiledCluster cluster = TestProblems.islands(2);
        SearchSpace space = new SearchSpace(cluster.cluster(), 2, 8, 0.05);
        CandidatePool pool = new CandidatePool(
                new CostModel(),
                ModelPresets.byName("llama2-13b").withSequenceLength(4096),
                64,
                Precision.BF16,
                Framework.MEGATRON,
                space);
        Layout layout = Layout.builder()
                .tp(4)
                .pp(1)
                .dp(4)
                .sequenceParallel(true)
                .zeroStage(1)
                .build();
        var packed = space.placement(new int[] {0, 1});
        LayoutCandidate candidate = pool.prepare(layout, 1, packed);
        double before = candidate.start(packed).iterationTimeSeconds();

        GpuOrderPolish.Result result = GpuOrderPolish.polish(candidate, space, packed);

        assertThat(result.iterationTimeSeconds()).isLessThan(before);
        assertThat(result.nodesReordered()).isEqualTo(2);
        for (int slot = 0; slot < 2; slot++) {
            for (int group = 0; group < 2; group++) {
                int parity = result.placement().gpuAt(slot, group * 4) % 2;
                for (int local = group * 4; local < group * 4 + 4; local++) {
                    assertThat(result.placement().gpuAt(slot, local) % 2).isEqualTo(parity);
                }
            }
        }
    }

    @Test
    void uniformNodesAreLeftInIndexOrder() {
        ProfiledCluster cluster = new ClusterConverter()
                .convert(SyntheticClusters.generate(SyntheticClusters.Spec.healthy("u", 2, 8)), Set.of(), Set.of());
        assertThat(GpuOrderPolish.uniform(cluster.cluster(), 0, 8)).isTrue();
        assertThat(GpuOrderPolish.uniform(TestProblems.islands(2).cluster(), 0, 8))
                .isFalse();
    }
}
