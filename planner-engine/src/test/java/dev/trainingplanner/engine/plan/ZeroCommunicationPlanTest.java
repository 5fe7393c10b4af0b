package dev.trainingplanner.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.engine.TestProblems;
import dev.trainingplanner.engine.bench.SyntheticClusters;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ClusterProfile.DefaultLink;
import dev.trainingplanner.profile.ClusterProfile.GpuProfile;
import dev.trainingplanner.profile.ClusterProfile.NodeProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * GPT-3 175B on 192 nodes of 8 A100-80GB (8 × 200 Gb/s per node), global batch 1536 of 2048 tokens: ZeRO-3 over all
 * 1,536 GPUs pays 1,535 ring steps on every all-gather call, gathers each layer again in backward and hides a layer's
 * prefetch only behind that layer; published strong-scaling runs put it far behind 3D parallelism at this size.
 */
class ZeroCommunicationPlanTest {

    private static final Pattern EXPOSED = Pattern.compile(
            "data parallelism alone \\(tp1 pp1 dp1536 .*zero3.*\\): .*exposed data-parallel/ZeRO communication"
                    + " ([0-9.]+) s \\(parameter all-gathers ([0-9.]+) s\\)");

    private static ProfiledCluster a100Cluster() {
        List<NodeProfile> nodes = new ArrayList<>();
        for (int n = 0; n < 192; n++) {
            List<GpuProfile> gpus = new ArrayList<>();
            for (int g = 0; g < 8; g++) {
                gpus.add(new GpuProfile(g, "A100-80GB", null, null, null, null, null));
            }
            nodes.add(new NodeProfile(SyntheticClusters.nodeName(n), gpus, null, null, null, null));
        }
        return TestProblems.convert(
                new ClusterProfile("a100-192", null, nodes, List.of(), new DefaultLink(8 * 200.0, 5.0)));
    }

    @ParameterizedTest
    @EnumSource(
            value = Framework.class,
            names = {"DEEPSPEED", "FSDP"})
    void gpt3OnFifteenHundredA100sIsNotPlannedAsPureZero3AndTheExplanationSaysWhy(Framework framework) {
        PlanRequest request = new PlanRequest(
                a100Cluster(),
                ModelPresets.byName("gpt3-175b").withSequenceLength(2048),
                1536,
                1536,
                framework,
                SearchOptions.defaults().withSteps(100).withSeed(1));

        PlanResult result = new Planner().plan(request);

        assertThat(result.feasible()).isTrue();
        assertThat(result.best().layout().tp() == 1 && result.best().layout().pp() == 1)
                .as("pure data parallelism planned: %s", result.best().describe())
                .isFalse();
        String note = result.explanation().notes().stream()
                .filter(n -> n.startsWith("data parallelism alone"))
                .findFirst()
                .orElseThrow();
        Matcher matcher = EXPOSED.matcher(note);
        assertThat(matcher.find()).as(note).isTrue();
        double exposed = Double.parseDouble(matcher.group(1));
        assertThat(exposed).as(note).isGreaterThan(0);
        assertThat(Double.parseDouble(matcher.group(2)))
                .as(note)
                .isGreaterThan(0)
                .isLessThanOrEqualTo(exposed);
    }
}
