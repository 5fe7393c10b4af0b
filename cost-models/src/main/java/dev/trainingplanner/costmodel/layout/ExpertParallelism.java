package dev.trainingplanner.costmodel.layout;

import static dev.trainingplanner.costmodel.InvalidInputException.positive;
import static dev.trainingplanner.costmodel.InvalidInputException.require;

/**
 * How MoE layers are laid out, in Megatron-Core's convention: expert layers re-partition the same tp·cp·dp GPUs of a
 * pipeline stage that dense layers use, as etp × ep × expert-DP ({@code --expert-model-parallel-size},
 * {@code --expert-tensor-parallel-size}); the expert-data-parallel size is derived. Ignored for dense models.
 *
 * @param ep expert-parallel degree: the GPUs the routed experts of a layer are spread over
 * @param etp expert tensor-parallel degree: the GPUs each expert's GEMMs are split over
 * @param dispatcher how tokens reach their experts
 * @param allToAllOverlap whether dispatch and combine overlap with compute of another micro-batch (Megatron's
 *     {@code --overlap-moe-expert-parallel-comm}, DualPipe-style schedules), hiding them up to the compute available
 * @param routing how evenly tokens spread over experts
 * @param graphCaptured whether the MoE layers run inside a full-iteration CUDA graph ({@code --cuda-graph-scope
 *     full_iteration} with fixed-size dispatch buffers): the dispatcher then needs no host synchronisation per layer
 */
public record ExpertParallelism(
        int ep,
        int etp,
        TokenDispatcher dispatcher,
        boolean allToAllOverlap,
        ExpertRouting routing,
        boolean graphCaptured) {

    /** One GPU per expert group: no expert parallelism, all-to-all dispatcher, no overlap, balanced routing. */
    public static final ExpertParallelism NONE =
            new ExpertParallelism(1, 1, TokenDispatcher.ALLTOALL, false, ExpertRouting.BALANCED);

    public ExpertParallelism {
        positive("ep", ep);
        positive("etp", etp);
        require(dispatcher != null, "token dispatcher must be alltoall, allgather or hierarchical");
        require(routing != null, "expert routing must not be null (use ExpertRouting.BALANCED)");
    }

    /** A layout outside a full-iteration CUDA graph. */
    public ExpertParallelism(
            int ep, int etp, TokenDispatcher dispatcher, boolean allToAllOverlap, ExpertRouting routing) {
        this(ep, etp, dispatcher, allToAllOverlap, routing, false);
    }

    public static ExpertParallelism of(int ep, int etp) {
        return new ExpertParallelism(ep, etp, TokenDispatcher.ALLTOALL, false, ExpertRouting.BALANCED);
    }

    public ExpertParallelism withDispatcher(TokenDispatcher value) {
        return new ExpertParallelism(ep, etp, value, allToAllOverlap, routing, graphCaptured);
    }

    public ExpertParallelism withAllToAllOverlap(boolean value) {
        return new ExpertParallelism(ep, etp, dispatcher, value, routing, graphCaptured);
    }

    public ExpertParallelism withRouting(ExpertRouting value) {
        return new ExpertParallelism(ep, etp, dispatcher, allToAllOverlap, value, graphCaptured);
    }

    public ExpertParallelism withGraphCaptured(boolean value) {
        return new ExpertParallelism(ep, etp, dispatcher, allToAllOverlap, routing, value);
    }

    /** GPUs of one expert-parallel group times its tensor split: the GPUs that together hold one copy of the experts. */
    public int expertShards() {
        return ep * etp;
    }
}
