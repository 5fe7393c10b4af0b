package dev.trainingplanner.api.planning;

import dev.trainingplanner.api.job.PlanningGoal;
import dev.trainingplanner.api.job.PlanningOptions;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.engine.plan.CostPerTokenGoal;
import dev.trainingplanner.engine.plan.PlanRequest;
import dev.trainingplanner.engine.plan.SearchOptions;
import dev.trainingplanner.engine.profile.ClusterConverter;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import dev.trainingplanner.engine.solver.PlacementSearch;
import dev.trainingplanner.profile.ClusterProfile;
import java.time.Duration;
import java.util.Set;

/** Turns the API's goal and options into the engine's {@link PlanRequest}; unset options keep the engine defaults. */
public final class EngineRequests {

    private EngineRequests() {}

    public static ProfiledCluster cluster(ClusterProfile profile) {
        return cluster(profile, PlanningOptions.none());
    }

    /** The profile as the engine's cluster, without the nodes and GPUs the options exclude. */
    public static ProfiledCluster cluster(ClusterProfile profile, PlanningOptions options) {
        PlanningOptions o = options == null ? PlanningOptions.none() : options;
        return new ClusterConverter().convert(profile, or(o.excludeNodes(), Set.of()), or(o.excludeGpus(), Set.of()));
    }

    /**
     * The request's search budget. A client's {@code timeLimitSeconds} is a wall-clock budget the search spends (or until
     * stopped), as {@code plan --time-limit} does. Without one, the engine's deterministic step budget with its early
     * stop applies (or the client's {@code steps}), capped by {@code timeLimit}, so a solve ends at whichever comes
     * first. A goal's {@code sequenceLength} replaces the model's, as {@code plan --seq-len} does.
     */
    public static PlanRequest request(
            ProfiledCluster cluster, ModelSpec model, PlanningGoal goal, PlanningOptions options, Duration timeLimit) {
        SearchOptions defaults = SearchOptions.defaults();
        PlanningOptions o = options == null ? PlanningOptions.none() : options;
        int gpusPerNode = Math.max(1, cluster.cluster().gpusPerNode());
        Integer steps = o.timeLimitSeconds() != null
                ? null
                : o.steps() != null ? o.steps() : PlacementSearch.defaultSteps(Math.max(1, goal.gpus() / gpusPerNode));
        SearchOptions search = new SearchOptions(
                o.zeroStages() == null ? defaults.zeroStages() : o.zeroStages(),
                or(o.allowZeroPlusPlus(), defaults.allowZeroPlusPlus()),
                or(o.tensorParallelAcrossNodes(), defaults.tensorParallelAcrossNodes()),
                or(o.headroomFraction(), defaults.headroomFraction()),
                or(o.allowGradientCoding(), defaults.allowGradientCoding()),
                or(o.maxLadderFraction(), defaults.maxLadderFraction()),
                or(o.minMicroBatch(), defaults.minMicroBatch()),
                or(o.maxMicroBatch(), defaults.maxMicroBatch()),
                precision(o),
                or(o.seed(), defaults.seed()),
                steps,
                timeLimit(o, timeLimit),
                or(o.topK(), defaults.topK()),
                or(o.layoutPoolSize(), defaults.layoutPoolSize()));
        if (o.expertParallelSizes() != null) {
            search = search.withExpertParallelSizes(o.expertParallelSizes());
        }
        if (search.minMicroBatch() > search.maxMicroBatch()) {
            throw new IllegalArgumentException("options.minMicroBatch (" + search.minMicroBatch()
                    + ") must not exceed options.maxMicroBatch (" + search.maxMicroBatch() + ")");
        }
        return new PlanRequest(
                cluster,
                goal.sequenceLength() == null ? model : model.withSequenceLength(goal.sequenceLength()),
                goal.globalBatchSequences(),
                goal.gpus(),
                Framework.parse(goal.frameworkOrDefault()),
                search);
    }

    /** The wall-clock budget of a solve: the client's {@code timeLimitSeconds}, else the service's default. */
    public static Duration timeLimit(PlanningOptions options, Duration defaultTimeLimit) {
        return options == null || options.timeLimitSeconds() == null
                ? defaultTimeLimit
                : Duration.ofSeconds(options.timeLimitSeconds());
    }

    /** The GEMM precision a solve with these options plans for. */
    public static Precision precision(PlanningOptions options) {
        return options == null || options.precision() == null
                ? SearchOptions.defaults().precision()
                : Precision.parse(options.precision());
    }

    /** The cost-per-token bounds of a goal whose objective is {@code cost-per-token}, otherwise null. */
    public static CostPerTokenGoal costPerToken(PlanningGoal goal) {
        return goal.isCostPerToken() ? new CostPerTokenGoal(goal.maxIterationSeconds(), goal.gpuHourPrice()) : null;
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
