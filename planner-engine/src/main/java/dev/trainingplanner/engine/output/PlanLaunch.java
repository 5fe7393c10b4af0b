package dev.trainingplanner.engine.output;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.engine.launch.LaunchArtifacts;
import dev.trainingplanner.engine.launch.LaunchInput;
import dev.trainingplanner.engine.launch.NodeLaunch;
import java.util.ArrayList;
import java.util.List;

/**
 * The launch artifacts of a plan document: its problem (framework, precision, batch, sequence length), its layout read
 * through {@link LayoutCodec} and its placement as torchrun nodes. {@code planner plan} and the API both launch a plan
 * from its document this way, so plan.json and the served artifacts cannot disagree.
 */
public final class PlanLaunch {

    private PlanLaunch() {}

    /** {@code model} is the plan's model; its sequence length is taken from the document. */
    public static LaunchArtifacts artifacts(PlanDocument document, ModelSpec model) {
        if (document.layout() == null) {
            throw new IllegalArgumentException("an infeasible plan has nothing to launch");
        }
        PlanDocument.Problem problem = document.problem();
        List<RankBlocks.Block> blocks = RankBlocks.of(PlacementCodec.locations(document.placement()), "placement");
        List<NodeLaunch> nodes = new ArrayList<>(blocks.size());
        for (int nodeRank = 0; nodeRank < blocks.size(); nodeRank++) {
            nodes.add(new NodeLaunch(
                    blocks.get(nodeRank).node(), nodeRank, blocks.get(nodeRank).gpus()));
        }
        return LaunchArtifacts.of(new LaunchInput(
                Framework.parse(problem.framework()),
                precision(problem.precision()),
                model.withSequenceLength(problem.sequenceLength()),
                problem.globalBatchSequences(),
                document.layout().microBatchSequences(),
                LayoutCodec.layout(document.layout()),
                nodes));
    }

    private static Precision precision(String name) {
        if (name == null) {
            throw new InvalidInputException("problem.precision is missing from the plan document");
        }
        try {
            return Precision.parse(name);
        } catch (InvalidInputException unknown) {
            throw new InvalidInputException("problem." + unknown.getMessage());
        }
    }
}
