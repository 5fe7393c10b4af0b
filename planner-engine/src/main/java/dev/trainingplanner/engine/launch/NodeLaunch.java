package dev.trainingplanner.engine.launch;

import java.util.List;
import java.util.stream.IntStream;

/**
 * One node of a launch: its name, its torchrun node rank and, per local rank, the profile index of the GPU it uses
 * (the order of {@code CUDA_VISIBLE_DEVICES}). Global rank {@code nodeRank·g + localRank} runs on the i-th of them.
 */
public record NodeLaunch(String node, int nodeRank, List<Integer> gpus) {

    public NodeLaunch {
        gpus = List.copyOf(gpus);
    }

    public List<Integer> globalRanks() {
        int g = gpus.size();
        return IntStream.range(0, g).map(local -> nodeRank * g + local).boxed().toList();
    }
}
