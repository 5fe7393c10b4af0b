package dev.trainingplanner.costmodel.estimate;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.calibration.EfficiencyTable;
import dev.trainingplanner.costmodel.calibration.FrameworkCosts;
import dev.trainingplanner.costmodel.calibration.GpuEfficiency;
import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.cluster.GpuType;
import dev.trainingplanner.costmodel.compute.ExpertGemms;
import dev.trainingplanner.costmodel.layout.GradientCoding;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.PartitionGroups;
import dev.trainingplanner.costmodel.layout.ZeroPlusPlus;
import dev.trainingplanner.costmodel.memory.ActivationMemory;
import dev.trainingplanner.costmodel.memory.InFlightMicroBatches;
import dev.trainingplanner.costmodel.memory.ModelStateBytes;
import dev.trainingplanner.costmodel.memory.RuntimeMemory;
import dev.trainingplanner.costmodel.memory.StageModelStates;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.time.CollectiveTime;
import dev.trainingplanner.costmodel.time.ComputeTime;
import dev.trainingplanner.costmodel.time.ContextParallelTime;
import dev.trainingplanner.costmodel.time.DataParallelTime;
import dev.trainingplanner.costmodel.time.ExpertAllToAllTime;
import dev.trainingplanner.costmodel.time.FrameworkOverhead;
import dev.trainingplanner.costmodel.time.LadderResidual;
import dev.trainingplanner.costmodel.time.PipelineSchedule;
import dev.trainingplanner.costmodel.time.TensorParallelTime;
import dev.trainingplanner.costmodel.time.ZeroTime;
import dev.trainingplanner.costmodel.training.CollectiveBuckets;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything about one layout that does not depend on the placement: per-stage memory, per-micro-batch compute, the
 * sizes of every collective, and the violations that hold for any placement. {@link #evaluate(Placement)} then only
 * walks the links of the actual groups; {@link #start(Placement)} opens an incremental session for placement search.
 */
public final class PreparedLayout {

    /** TP collectives below this fraction of the GPU type's NVLink bandwidth are "across a slow link". */
    static final double SLOW_TP_LINK_FRACTION = 0.25;

    final ModelSpec model;
    final TrainingSpec training;
    final Cluster cluster;
    final Layout layout;
    final GpuEfficiency efficiency;
    final List<Violation> staticViolations;

    final int tp;
    final int pp;
    final int dp;
    final int cp;
    final int chunks;
    final double microBatches;
    final int worldSize;
    final int[] stageLayers;
    final StageMemory[] stageMemory;
    /** Parameters per rank of each stage: dense ({@link #stageDenseParameters}) plus routed experts. */
    final double[] stageParameters;
    /** Dense parameters per rank of each stage, replicated over dp·cp. */
    final double[] stageDenseParameters;
    /** Routed-expert parameters per rank of each stage, replicated over expert data parallelism. */
    final double[] stageExpertParameters;

    // Per stage, per micro-batch, at relative speed 1.
    final double[] forwardSeconds;
    final double[] backwardSeconds;
    final double[] recomputeSeconds;
    final double[] attentionForwardSeconds;
    final double[] tpCollectives;
    final double[] ladderLayers;
    /** One module (attention or MLP) of a layer, forward and backward, for Ladder Residual. */
    final double moduleForwardSeconds;

    final double moduleBackwardSeconds;

    final double tpMessageBytes;
    final double cpStepBytes;
    final double p2pBytes;
    final double[] dpGradientBytes;
    final double optimizerSeconds;

    // Mixture of experts (zero / null for a dense model).
    /** MoE layers held by each stage; the rest of its layers are dense. */
    final int[] moeLayers;
    /** Whether the MoE layers move tokens between GPUs (ep > 1) or reduce expert gradients over expert-DP. */
    final boolean expertCommunication;
    /** Tokens one GPU dispatches per MoE layer and micro-batch. */
    final double dispatchedTokensPerGpu;
    /** Bytes per element of the forward dispatch (FP8 or 16-bit). */
    final double dispatchBytesPerElement;
    /** Forward + backward compute of one MoE layer per micro-batch at relative speed 1: what overlap can hide behind. */
    final double moeLayerComputeSeconds;
    /** 16-bit gradient bytes of the routed experts of each stage on one rank, reduced over expert-DP. */
    final double[] expertGradientBytes;
    /** The expert-data-parallel reduction's calls and overlap (same rules as the dense one). */
    final DataParallelTime expertDataParallelTime;

    /**
     * Ring shapes on nodes of the cluster's GPUs (the slot of rank r is r / g); a placement that uses fewer GPUs per
     * node gets its own ({@link #ringShapesFor}).
     */
    final RingShapes ringShapes;

    /** The framework's collective buckets at this layout's data-parallel size. */
    final CollectiveBuckets buckets;

    /** ZeRO-3 / ZeRO++ / partition-group communication of the layout. */
    final ZeroTime zeroTime;

    /** Gradient reduction and parameter all-gathers below ZeRO-3. */
    final DataParallelTime dataParallelTime;

    // Per-layout constants of the placement-dependent part, so that an evaluation only combines them.
    /** Forward + backward + recompute per micro-batch and stage, at relative speed 1. */
    final double[] stageComputeSeconds;
    /** The framework's fixed time per micro-batch on each stage ({@code time.FrameworkOverhead}), part of compute. */
    final double[] frameworkSeconds;
    /** Exposed time of one TP all-reduce of a group inside one node whose links are all default. */
    final double uniformTpCollectiveSeconds;
    /** One pipeline send between two GPUs of a node whose links are all default. */
    final double uniformIntraP2pSeconds;
    /** Exposed p2p time per micro-batch and stage per second of hop time: 2·v transfers at the exposed fraction. */
    final double p2pExposedPerHopSecond;

    final double modelFlopsPerIteration;
    final double tokensPerIteration;
    final double peakFlopsPerGpu;

    PreparedLayout(
            ModelSpec model,
            TrainingSpec training,
            Cluster cluster,
            Layout layout,
            GpuEfficiency efficiency,
            double memoryScale) {
        this.model = model;
        this.training = training;
        this.cluster = cluster;
        this.layout = layout;
        this.efficiency = efficiency;
        this.tp = layout.tp();
        this.pp = layout.pp();
        this.dp = layout.dp();
        this.cp = layout.cp();
        this.chunks = layout.virtualStages();
        this.worldSize = layout.worldSize();
        List<Violation> violations = new ArrayList<>();
        GpuType gpu = cluster.gpuType();
        int b = training.microBatchSequences();
        this.microBatches = (double) training.globalBatchSequences() / ((double) b * dp);

        checkStructure(violations, gpu);
        this.stageLayers = splitLayers(violations);

        this.stageDenseParameters = model.stageDenseParameters(stageLayers, tp);
        this.stageExpertParameters = model.stageExpertParameters(
                stageLayers, layout.expertParallelism().expertShards());
        this.stageParameters = model.stageParameters(
                stageLayers, tp, layout.expertParallelism().expertShards());

        // --- compute per micro-batch (cost-models.md §1.2, §3) ---
        ComputeTime compute = ComputeTime.of(model, training, layout, gpu, efficiency);
        this.peakFlopsPerGpu = ComputeTime.gemmPeakFlopsPerSecond(gpu, training.precision());
        double hbmRate = ComputeTime.hbmBytesPerSecond(gpu, efficiency);

        this.forwardSeconds = new double[pp];
        this.backwardSeconds = new double[pp];
        this.recomputeSeconds = new double[pp];
        this.attentionForwardSeconds = new double[pp];
        this.tpCollectives = new double[pp];
        this.ladderLayers = new double[pp];
        this.moduleForwardSeconds = LadderResidual.moduleSeconds(compute.layerForwardSeconds());
        this.moduleBackwardSeconds = LadderResidual.moduleSeconds(compute.layerBackwardSeconds());
        this.moeLayers = new int[pp];
        int firstLayer = 0;
        for (int i = 0; i < pp; i++) {
            int layers = stageLayers[i];
            moeLayers[i] = model.moeLayersIn(firstLayer, layers);
            int dense = layers - moeLayers[i];
            forwardSeconds[i] = compute.stageForwardSeconds(dense, moeLayers[i], i == pp - 1);
            backwardSeconds[i] = compute.stageBackwardSeconds(dense, moeLayers[i], i == pp - 1);
            recomputeSeconds[i] = compute.stageRecomputeSeconds(dense, moeLayers[i]);
            attentionForwardSeconds[i] = layers * compute.attentionForwardSeconds();
            tpCollectives[i] = TensorParallelTime.collectivesPerStage(tp, layers, layout.recompute());
            ladderLayers[i] = LadderResidual.layersOnStage(layout.ladderLayers(), firstLayer, layers);
            firstLayer += layers;
        }

        // --- collective sizes (cost-models.md §3, §4.2, §5.2) ---
        double h = model.hiddenSize();
        double tokens = ComputeTime.localTokens(model, b, cp);
        this.tpMessageBytes = TensorParallelTime.messageBytes(tokens, h);
        this.cpStepBytes = ContextParallelTime.stepBytes(tokens, h, model.kvRatio(), tp);
        this.p2pBytes = PipelineSchedule.sendBytes(tokens, h, tp);
        boolean moe = model.mixtureOfExperts().isPresent();
        this.expertCommunication = moe && (layout.ep() > 1 || layout.expertDataParallel() > 1);
        this.dispatchedTokensPerGpu = ExpertGemms.routedTokensPerGpu(layout, tokens);
        this.dispatchBytesPerElement = ExpertAllToAllTime.dispatchBytesPerElement(
                training.precision(), layout.expertParallelism().dispatcher());
        this.moeLayerComputeSeconds = compute.moeLayerForwardSeconds() + compute.moeLayerBackwardSeconds();
        this.expertGradientBytes = new double[pp];

        // --- memory per stage (cost-models.md §2) ---
        int shards = dp * cp;
        this.buckets = training.bucketsFor(shards);
        this.dpGradientBytes = new double[pp];
        this.stageMemory = new StageMemory[pp];
        int mCeil = (int) Math.max(1, Math.ceil(microBatches));
        double optimizerMax = 0;
        int communicators = RuntimeMemory.communicators(tp, cp, pp, shards)
                + (model.mixtureOfExperts().isPresent()
                        ? RuntimeMemory.expertCommunicators(layout.ep(), layout.etp(), layout.expertDataParallel())
                        : 0);
        double linearInputBytes = ActivationMemory.linearInputBytes(training, cluster.gpuType());
        for (int i = 0; i < pp; i++) {
            double params = stageParameters[i];
            StageModelStates states = ModelStateBytes.ofStage(
                    model, training, layout, i, stageDenseParameters[i], stageExpertParameters[i]);
            double weights = states.weightsBytes();
            double grads = states.gradientsBytes();
            double optimizer = states.optimizerStatesBytes();
            double activations = ActivationMemory.stageBytes(
                    model, b, layout, i, stageLayers[i], moeLayers[i], mCeil, linearInputBytes);
            int inFlight = InFlightMicroBatches.atPeak(i, pp, chunks, mCeil);
            double buffers = RuntimeMemory.communicationBufferBytes(communicators, efficiency)
                    + RuntimeMemory.bucketBufferBytes(training.framework(), buckets, params);
            double tensors = weights + grads + optimizer + activations;
            double runtime = RuntimeMemory.overheadBytes(tensors, efficiency);
            stageMemory[i] = new StageMemory(
                    i,
                    stageLayers[i],
                    weights,
                    grads,
                    optimizer,
                    activations,
                    inFlight,
                    buffers,
                    runtime,
                    moeLayers[i],
                    states.expertStatesBytes());
            if (memoryScale != 1) {
                stageMemory[i] = stageMemory[i].scaled(memoryScale);
            }
            // Routed experts reduce over expert-DP, not over the dense DP ring (Megatron-Core's expert data-parallel
            // group).
            dpGradientBytes[i] = DataParallelTime.gradientBytes(stageDenseParameters[i]);
            expertGradientBytes[i] = DataParallelTime.gradientBytes(stageExpertParameters[i]);
            optimizerMax = Math.max(
                    optimizerMax, ComputeTime.optimizerStepSeconds(states.optimizerShardParameters(), hbmRate));
        }
        this.optimizerSeconds = optimizerMax;

        // --- ring shapes ---
        this.zeroTime = new ZeroTime(
                layout,
                gpu,
                efficiency,
                microBatches,
                buckets,
                stageLayers,
                stageParameters,
                forwardSeconds,
                backwardSeconds,
                recomputeSeconds);
        this.dataParallelTime = new DataParallelTime(
                training.framework(),
                layout.zeroStage(),
                buckets,
                efficiency.dataParallelOverlapFraction(),
                stageLayers,
                stageParameters);
        double[] expertShardParameters = new double[pp];
        for (int i = 0; i < pp; i++) {
            expertShardParameters[i] = expertGradientBytes[i] / ModelStateBytes.GRADIENT_BYTES;
        }
        this.expertDataParallelTime = new DataParallelTime(
                training.framework(),
                Math.min(layout.zeroStage(), 2),
                buckets,
                efficiency.dataParallelOverlapFraction(),
                stageLayers,
                expertShardParameters);
        this.ringShapes =
                RingShapes.of(Math.min(cluster.gpusPerNode(), worldSize), tp, shards, zeroTime.secondaryGroupSize());

        FrameworkCosts frameworkCosts = EfficiencyTable.forFramework(training.framework());
        this.stageComputeSeconds = new double[pp];
        this.frameworkSeconds = new double[pp];
        for (int i = 0; i < pp; i++) {
            frameworkSeconds[i] =
                    FrameworkOverhead.stageMicroBatchSeconds(frameworkCosts, layout, stageLayers[i], moeLayers[i]);
            stageComputeSeconds[i] = forwardSeconds[i] + backwardSeconds[i] + recomputeSeconds[i] + frameworkSeconds[i];
        }
        double defaultBandwidth = cluster.defaultIntraBandwidthBytesPerSecond();
        double defaultLatency = cluster.defaultIntraLatencySeconds();
        // No inter-node term: a group inside one node has no inter-node hop (infinite bandwidth, zero latency).
        this.uniformTpCollectiveSeconds = TensorParallelTime.exposedSeconds(
                CollectiveTime.hierarchical(
                        CollectiveTime.Ring.ALL_REDUCE,
                        ringShapes.tpMembersPerSlot(),
                        ringShapes.tpSlots(),
                        tpMessageBytes,
                        defaultBandwidth,
                        defaultLatency,
                        Double.POSITIVE_INFINITY,
                        0),
                efficiency.tensorParallelExposedFraction());
        this.uniformIntraP2pSeconds = CollectiveTime.pointToPoint(p2pBytes, defaultBandwidth, defaultLatency);
        this.p2pExposedPerHopSecond = FrameworkOverhead.p2pExposedPerHopSecond(
                frameworkCosts, chunks, efficiency.pipelineP2pExposedFraction());

        this.tokensPerIteration = (double) training.globalBatchSequences() * model.sequenceLength();
        this.modelFlopsPerIteration = tokensPerIteration * model.trainingFlopsPerToken();

        this.staticViolations = List.copyOf(violations);
    }

    /** The ring shapes on nodes of {@code gpusPerNodeUsed} GPUs. */
    RingShapes ringShapesFor(int gpusPerNodeUsed) {
        int g = Math.min(gpusPerNodeUsed, worldSize);
        return g == ringShapes.gpusPerSlot()
                ? ringShapes
                : RingShapes.of(g, tp, dp * cp, zeroTime.secondaryGroupSize());
    }

    private void checkStructure(List<Violation> violations, GpuType gpu) {
        if (worldSize > cluster.gpuCount()) {
            violations.add(new Violation(
                    ViolationCode.WORLD_SIZE_MISMATCH,
                    "layout needs tp*cp*dp*pp = " + worldSize + " GPUs but the cluster has " + cluster.gpuCount()));
        }
        if (model.attentionHeads() % tp != 0) {
            violations.add(new Violation(
                    ViolationCode.HEADS_NOT_DIVISIBLE,
                    "attention heads (" + model.attentionHeads() + ") are not divisible by tp = " + tp));
        } else if (model.kvHeads() % tp != 0) {
            violations.add(new Violation(
                    ViolationCode.HEADS_NOT_DIVISIBLE,
                    "KV heads (" + model.kvHeads() + ") are not divisible by tp = " + tp
                            + " (Megatron requires num_query_groups % tp == 0)"));
        }
        int b = training.microBatchSequences();
        if (training.globalBatchSequences() % ((long) b * dp) != 0) {
            violations.add(new Violation(
                    ViolationCode.BATCH_NOT_DIVISIBLE,
                    "global batch " + training.globalBatchSequences() + " is not divisible by micro-batch " + b
                            + " x dp " + dp));
        }
        long cpDivisor = cp > 1 ? 2L * cp : 1;
        if (model.sequenceLength() % cpDivisor != 0) {
            violations.add(new Violation(
                    ViolationCode.SEQUENCE_NOT_DIVISIBLE,
                    "sequence length " + model.sequenceLength() + " is not divisible by 2*cp = " + cpDivisor
                            + " (context parallelism splits it into 2*cp chunks)"));
        } else if (layout.sequenceParallel() && (model.sequenceLength() / cp) % tp != 0) {
            violations.add(new Violation(
                    ViolationCode.SEQUENCE_NOT_DIVISIBLE,
                    "sequence parallelism needs the local sequence " + model.sequenceLength() / cp
                            + " divisible by tp = " + tp));
        }
        if (layout.sequenceParallel() && tp == 1) {
            violations.add(
                    new Violation(ViolationCode.SEQUENCE_PARALLEL_WITHOUT_TP, "sequence parallelism needs tp > 1"));
        }
        if (chunks > 1) {
            if (pp < 2) {
                violations.add(new Violation(
                        ViolationCode.INTERLEAVING_UNSUPPORTED,
                        "interleaving (" + chunks + " virtual stages) needs pp >= 2, got pp = " + pp));
            } else if (Math.abs(microBatches - Math.rint(microBatches)) < 1e-9
                    && ((long) Math.rint(microBatches)) % pp != 0) {
                violations.add(new Violation(
                        ViolationCode.INTERLEAVING_UNSUPPORTED,
                        "interleaved 1F1B needs the micro-batch count (" + (long) Math.rint(microBatches)
                                + ") to be a multiple of pp = " + pp));
            }
        }
        if (!gpu.supports(training.precision())) {
            violations.add(new Violation(
                    ViolationCode.PRECISION_UNSUPPORTED,
                    gpu.name() + " has no " + training.precision().name().toLowerCase() + " tensor cores"));
        }
        ZeroPlusPlus zpp = layout.zeroPlusPlus();
        int shards = dp * cp;
        if (zpp.any() && layout.zeroStage() != 3) {
            violations.add(new Violation(
                    ViolationCode.ZERO_PLUS_PLUS_NEEDS_STAGE_3,
                    "ZeRO++ (qwZ/hpZ/qgZ) extends ZeRO stage 3; the layout uses stage " + layout.zeroStage()));
        }
        if (zpp.hpzGroupSize() > 1 && (shards % zpp.hpzGroupSize() != 0)) {
            violations.add(new Violation(
                    ViolationCode.HPZ_GROUP_INVALID,
                    "hpZ group size " + zpp.hpzGroupSize() + " must divide the data-parallel size " + shards));
        }
        PartitionGroups groups = layout.partitionGroups();
        if (!groups.isDefault()) {
            if (layout.zeroStage() != 3) {
                violations.add(new Violation(
                        ViolationCode.PARTITION_GROUP_INVALID,
                        "hierarchical partition groups need ZeRO stage 3; the layout uses stage "
                                + layout.zeroStage()));
            }
            checkGroup(violations, "weights", groups.weightsGroupSize(), shards);
            checkGroup(violations, "gradients", groups.gradientsGroupSize(), shards);
            checkGroup(violations, "optimizer states", groups.optimizerStatesGroupSize(), shards);
        }
        checkExperts(violations);
        checkGradientCoding(violations);
        for (int layer : layout.ladderLayers()) {
            if (layer >= model.layers()) {
                violations.add(new Violation(
                        ViolationCode.LADDER_LAYER_INVALID,
                        "ladder layer " + layer + " does not exist (the model has layers 0.." + (model.layers() - 1)
                                + ")"));
                break;
            }
        }
    }

    /**
     * Megatron-Core's expert-layout rules: the expert layers re-partition a stage's tp·cp·dp GPUs as etp × ep ×
     * expert-DP, each of the ep GPUs holds E/ep whole experts, and each expert's FFN splits etp ways.
     */
    private void checkExperts(List<Violation> violations) {
        var moe = model.mixtureOfExperts();
        int ep = layout.ep();
        int etp = layout.etp();
        if (!moe.isPresent()) {
            if (ep > 1 || etp > 1) {
                violations.add(new Violation(
                        ViolationCode.EXPERT_PARALLEL_WITHOUT_EXPERTS,
                        "expert parallelism ep = " + ep + ", etp = " + etp + " needs a mixture-of-experts model; "
                                + model.name() + " is dense"));
            }
            return;
        }
        int stageGpus = tp * cp * dp;
        if (!layout.expertLayoutDivides()) {
            violations.add(new Violation(
                    ViolationCode.EXPERT_LAYOUT_NOT_DIVISIBLE,
                    "ep x etp = " + ep + " x " + etp + " must divide tp x cp x dp = " + stageGpus
                            + " (expert layers re-partition the GPUs of a pipeline stage)"));
        }
        if (moe.routedExperts() % ep != 0) {
            violations.add(new Violation(
                    ViolationCode.EXPERTS_NOT_DIVISIBLE,
                    "num_experts " + moe.routedExperts() + " is not divisible by ep = " + ep));
        }
        if (moe.expertFfnHiddenSize() % etp != 0) {
            violations.add(new Violation(
                    ViolationCode.EXPERT_FFN_NOT_DIVISIBLE,
                    "moe_ffn_hidden " + moe.expertFfnHiddenSize() + " is not divisible by etp = " + etp));
        }
    }

    private static void checkGroup(List<Violation> violations, String state, int size, int shards) {
        if (size > 0 && shards % size != 0) {
            violations.add(new Violation(
                    ViolationCode.PARTITION_GROUP_INVALID,
                    state + " partition group size " + size + " must divide the data-parallel size " + shards));
        }
    }

    private void checkGradientCoding(List<Violation> violations) {
        GradientCoding coding = layout.gradientCoding();
        if (coding.isNone()) {
            return;
        }
        if (layout.zeroStage() > 0) {
            violations.add(new Violation(
                    ViolationCode.GRADIENT_CODING_NEEDS_STRAGGLER_AWARE_COLLECTIVE,
                    "gradient coding decodes from a subset of workers, but ZeRO stage " + layout.zeroStage()
                            + " reduce-scatters gradient shards that every rank must deliver; use stage 0"));
        }
        int n = dp;
        switch (coding.scheme()) {
            case FRACTIONAL_REPETITION -> {
                if (coding.stragglersTolerated() >= n || n % (coding.stragglersTolerated() + 1) != 0) {
                    violations.add(new Violation(
                            ViolationCode.GRADIENT_CODING_INVALID,
                            "fractional repetition needs s+1 = " + (coding.stragglersTolerated() + 1)
                                    + " to divide dp = " + n + " and s < dp"));
                }
            }
            case CYCLIC_REPETITION -> {
                if (coding.stragglersTolerated() >= n) {
                    violations.add(new Violation(
                            ViolationCode.GRADIENT_CODING_INVALID,
                            "cyclic repetition needs s = " + coding.stragglersTolerated() + " < dp = " + n));
                }
            }
            case SELECTIVE_REPEAT_SGC, MULTIPLEXED_SGC -> {
                int delay = coding.delayRounds();
                if (microBatches < delay + 1) {
                    violations.add(new Violation(
                            ViolationCode.GRADIENT_CODING_INVALID,
                            "sequential gradient coding with delay " + delay + " needs at least " + (delay + 1)
                                    + " independent micro-batch jobs per step, the layout has "
                                    + (long) Math.floor(microBatches)));
                }
                if (coding.maxStragglersInWindow() >= n) {
                    violations.add(new Violation(
                            ViolationCode.GRADIENT_CODING_INVALID,
                            "sequential gradient coding needs lambda < dp = " + n));
                }
            }
            default -> {}
        }
    }

    private int[] splitLayers(List<Violation> violations) {
        int layers = model.layers();
        List<Integer> explicit = layout.stageLayerCounts();
        if (!explicit.isEmpty()) {
            int sum = 0;
            for (int count : explicit) {
                sum += count;
            }
            if (explicit.size() == pp && sum == layers) {
                int[] result = new int[pp];
                for (int i = 0; i < pp; i++) {
                    result[i] = explicit.get(i);
                    if (result[i] % chunks != 0) {
                        violations.add(new Violation(
                                ViolationCode.STAGE_SPLIT_INVALID,
                                "stage " + i + " has " + result[i] + " layers, not divisible by " + chunks
                                        + " virtual stages"));
                    }
                }
                return result;
            }
            violations.add(new Violation(
                    ViolationCode.STAGE_SPLIT_INVALID,
                    "uneven split " + explicit + " must list " + pp + " stages summing to " + layers + " layers"));
        } else if (layers % ((long) pp * chunks) != 0) {
            violations.add(new Violation(
                    ViolationCode.LAYERS_NOT_DIVISIBLE,
                    layers + " layers are not divisible by pp*vpp = " + (pp * chunks)
                            + "; give an uneven stage split instead"));
        }
        int[] result = Layout.evenStageSplit(layers, pp);
        for (int i = 0; i < pp; i++) {
            if (result[i] < 1) {
                violations.add(new Violation(
                        ViolationCode.LAYERS_NOT_DIVISIBLE,
                        "pp = " + pp + " stages cannot hold only " + layers + " layers"));
                result[i] = 1;
            }
        }
        return result;
    }

    public ModelSpec model() {
        return model;
    }

    public TrainingSpec training() {
        return training;
    }

    public Cluster cluster() {
        return cluster;
    }

    public Layout layout() {
        return layout;
    }

    public GpuEfficiency efficiency() {
        return efficiency;
    }

    /** Violations that hold for every placement. */
    public List<Violation> violations() {
        return staticViolations;
    }

    /** Memory of every rank of each pipeline stage (before comparing with a particular GPU's capacity). */
    public List<StageMemory> stageMemory() {
        return List.of(stageMemory);
    }

    /** Largest per-rank memory over all stages, in bytes. */
    public double peakMemoryBytes() {
        double peak = 0;
        for (StageMemory stage : stageMemory) {
            peak = Math.max(peak, stage.totalBytes());
        }
        return peak;
    }

    /** The collective buckets the prediction assumes (the framework's defaults unless the training spec sets them). */
    public CollectiveBuckets buckets() {
        return buckets;
    }

    /** Micro-batches per pipeline per optimizer step. */
    public double microBatches() {
        return microBatches;
    }

    /** Full evaluation on {@code placement}. */
    public Estimate evaluate(Placement placement) {
        return new PlacementEvaluator(this, checkPlacement(placement)).estimate();
    }

    /** An incremental session starting at {@code placement}. */
    public PlacementSession start(Placement placement) {
        return new PlacementSession(new PlacementEvaluator(this, checkPlacement(placement)));
    }

    private Placement checkPlacement(Placement placement) {
        if (placement == null) {
            throw new InvalidInputException("placement must not be null");
        }
        placement.requireFits(cluster);
        if (placement.worldSize() != worldSize) {
            throw new InvalidInputException("placement has " + placement.worldSize() + " ranks but the layout needs "
                    + "tp*cp*dp*pp = " + worldSize);
        }
        return placement;
    }
}
