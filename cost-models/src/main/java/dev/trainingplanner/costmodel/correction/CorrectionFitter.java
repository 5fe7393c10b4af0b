package dev.trainingplanner.costmodel.correction;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.batch.CaseInputs;
import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.cluster.StragglerModel;
import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.estimate.Estimate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Fits a {@link CorrectionSet} to the measured runs of one cluster, deterministically.
 *
 * <p><b>Time factors</b> (compute efficiency per GPU type, NVLink and network efficiency) are fitted together in log
 * space: with θ the logarithms of the factors, each run's residual is {@code log(measured) − log(predicted(θ))}, and
 * its sensitivity to factor k is the change of the predicted log time when the factor moves, taken from the model
 * itself by a finite difference. That is the run's breakdown mix as the model prices it: a collective hidden behind
 * compute has no share, a run bound by its network a large one. Gauss-Newton steps solve the regularised least squares
 * {@code Σ w_i (r_i − J_i δ)² + λ|θ + δ|²}, where λ ({@link Settings#priorRuns}) pulls every factor towards its prior
 * of 1 with the weight of that many runs of full sensitivity, and w_i are Huber weights with the scale of the
 * published runs' noise ({@link Settings#noiseLogScale}). Iterated to convergence this is a Huber M-estimate under a
 * Gaussian prior: a run pulls on a factor in proportion to its residual up to the noise scale, and no further, so one
 * odd run moves a factor by at most about {@code noiseLogScale / priorRuns} in log, while many runs that agree move it
 * as far as its bounds allow. A deviation far beyond the noise on few runs is more often a gap in the model's
 * structure (or a broken measurement) than a property of the cluster, and the slow-job alarm, not the corrections, is
 * the tool for it. After each step
 * θ is clamped to the kind's bounds.
 *
 * <p>A factor is fitted only where at least {@link Settings#minimumRuns} runs spend at least {@link
 * Settings#minimumSensitivity} of their time on it (at the prior); otherwise it stays at 1 and its evidence says why.
 * <b>Memory overhead</b> is the median of the runs' log ratios of measured to predicted peak memory, shrunk by
 * {@code n/(n + priorRuns)}. <b>Straggler probability</b> comes from how often the runs' steps were slow
 * ({@link #stragglerProbability}), not from medians, which slower compute and more frequent stragglers lengthen alike. Per-phase times are not used:
 * the frameworks name and cut their phases differently.
 */
public final class CorrectionFitter {

    /**
     * @param minimumRuns runs needed before a factor leaves its prior
     * @param minimumSensitivity share of a run's time (|∂ log time / ∂ log factor|) that counts it as evidence
     * @param priorRuns weight of the prior, in runs of full sensitivity
     * @param noiseLogScale Huber scale of the log residual: the calibration file's ±5% run-to-run noise
     * @param iterations Gauss-Newton steps at most
     */
    public record Settings(
            int minimumRuns, double minimumSensitivity, double priorRuns, double noiseLogScale, int iterations) {

        public static final Settings DEFAULT = new Settings(3, 0.05, 2.0, 0.05, 50);

        public Settings {
            InvalidInputException.require(minimumRuns >= 1, "minimumRuns must be at least 1, got " + minimumRuns);
            InvalidInputException.require(
                    minimumSensitivity > 0 && minimumSensitivity <= 1,
                    "minimumSensitivity must be within (0, 1], got " + minimumSensitivity);
            InvalidInputException.require(priorRuns > 0, "priorRuns must be above 0, got " + priorRuns);
            InvalidInputException.require(noiseLogScale > 0, "noiseLogScale must be above 0, got " + noiseLogScale);
            InvalidInputException.require(iterations >= 1, "iterations must be at least 1, got " + iterations);
        }
    }

    /** Log step of the finite difference that measures a run's sensitivity to a factor. */
    private static final double STEP = 0.02;

    /** Fitted values are rounded to 1/this (1e-4), far below the runs' noise, so that sets read cleanly. */
    private static final double RESOLUTION_STEPS = 1e4;

    /** Largest log step at which the iteration has converged: a fraction of the rounding resolution. */
    private static final double CONVERGED = 1e-6;

    private final Settings settings;
    private final CostModel model = new CostModel();

    public CorrectionFitter() {
        this(Settings.DEFAULT);
    }

    public CorrectionFitter(Settings settings) {
        InvalidInputException.require(settings != null, "settings must not be null");
        this.settings = settings;
    }

    /** A time factor being fitted: its kind and scope. */
    private record Parameter(CorrectionKind kind, String scope) {}

    /** The corrections that {@code runs} of one cluster support. */
    public CorrectionSet fit(List<Measurement> runs) {
        InvalidInputException.require(runs != null, "runs must not be null");
        InvalidInputException.require(!runs.isEmpty(), "fitting corrections needs at least one measured run");
        List<Parameter> parameters = new ArrayList<>();
        TreeSet<String> gpus = new TreeSet<>();
        runs.forEach(run -> gpus.add(run.inputs().cluster().gpuType().name()));
        gpus.forEach(gpu -> parameters.add(new Parameter(CorrectionKind.COMPUTE_EFFICIENCY, gpu)));
        parameters.add(new Parameter(CorrectionKind.NVLINK_EFFICIENCY, CorrectedCostModel.CLUSTER_SCOPE));
        parameters.add(new Parameter(CorrectionKind.NETWORK_EFFICIENCY, CorrectedCostModel.CLUSTER_SCOPE));

        int n = runs.size();
        int k = parameters.size();
        double[] theta = new double[k];
        double[][] sensitivity = sensitivities(runs, parameters, theta, logTimes(runs, parameters, theta));
        boolean[] free = new boolean[k];
        List<List<Measurement>> evidence = new ArrayList<>();
        for (int p = 0; p < k; p++) {
            List<Measurement> support = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (Math.abs(sensitivity[i][p]) >= settings.minimumSensitivity()) {
                    support.add(runs.get(i));
                }
            }
            evidence.add(support);
            free[p] = support.size() >= settings.minimumRuns();
        }
        double[] measured = new double[n];
        for (int i = 0; i < n; i++) {
            measured[i] = Math.log(runs.get(i).iterationSeconds());
        }
        double[] before = residuals(measured, logTimes(runs, parameters, theta));
        boolean anyFree = false;
        for (boolean f : free) {
            anyFree |= f;
        }
        for (int iteration = 0; anyFree && iteration < settings.iterations(); iteration++) {
            double[] logTime = logTimes(runs, parameters, theta);
            double[][] jacobian = iteration == 0 ? sensitivity : sensitivities(runs, parameters, theta, logTime);
            double[] step = gaussNewtonStep(residuals(measured, logTime), jacobian, theta, free);
            double largest = 0;
            for (int p = 0; p < k; p++) {
                CorrectionKind kind = parameters.get(p).kind();
                double next = Math.max(
                        Math.log(kind.lowerBound()), Math.min(Math.log(kind.upperBound()), theta[p] + step[p]));
                largest = Math.max(largest, Math.abs(next - theta[p]));
                theta[p] = next;
            }
            if (largest < CONVERGED) {
                break;
            }
        }
        double[] values = new double[k];
        for (int p = 0; p < k; p++) {
            values[p] = free[p] ? round(parameters.get(p).kind(), Math.exp(theta[p])) : CorrectionFactor.PRIOR;
            theta[p] = Math.log(values[p]);
        }
        double[] after = residuals(measured, logTimes(runs, parameters, theta));

        List<CorrectionFactor> factors = new ArrayList<>();
        for (int p = 0; p < k; p++) {
            Parameter parameter = parameters.get(p);
            List<Measurement> support = evidence.get(p);
            String note = free[p]
                    ? String.format(
                            Locale.ROOT,
                            "fitted on %d of %d runs with at least %.0f%% of their time on it; median |log error|"
                                    + " %.3f before, %.3f after%s",
                            support.size(),
                            n,
                            100 * settings.minimumSensitivity(),
                            medianAbs(before),
                            medianAbs(after),
                            atBound(parameter.kind(), values[p]))
                    : String.format(
                            Locale.ROOT,
                            "kept at the prior: %d run(s) spend at least %.0f%% of their time on it, %d needed",
                            support.size(),
                            100 * settings.minimumSensitivity(),
                            settings.minimumRuns());
            factors.add(
                    new CorrectionFactor(parameter.kind(), parameter.scope(), values[p], evidenceOf(support, note)));
        }
        factors.add(memoryOverhead(runs));
        factors.add(stragglerProbability(runs));
        return CorrectionSet.of(factors);
    }

    /**
     * The straggler-probability factor from how often the runs' steps were slow. The profile's Bernoulli stragglers
     * (cost-models.md §8: node n straggles in a step with probability p_n and slows it s_n-fold) hold a step back beyond
     * {@link Measurement#SLOW_STEP_MARGIN} when any used node with s_n above 1 + margin straggles, so a factor c
     * predicts the slow-step share {@code 1 − Π_n (1 − min(1, c·p_n))}. Each run with a measured share on such nodes
     * gives the c that predicts its share (bisection within the bounds); the factor is their median, shrunk towards 1
     * by {@code n/(n + priorRuns)} as memory overhead is. Median iteration times cannot tell slower compute from more
     * frequent stragglers; the share of slow steps can.
     */
    private CorrectionFactor stragglerProbability(List<Measurement> runs) {
        CorrectionKind kind = CorrectionKind.STRAGGLER_PROBABILITY;
        List<Measurement> support = new ArrayList<>();
        List<Double> factors = new ArrayList<>();
        for (Measurement run : runs) {
            double[] probabilities = detectableStragglerProbabilities(run);
            if (run.slowStepFraction().isPresent() && probabilities.length > 0) {
                support.add(run);
                factors.add(factorPredicting(run.slowStepFraction().getAsDouble(), probabilities, kind));
            }
        }
        if (support.size() < settings.minimumRuns()) {
            return keptAtPrior(
                    kind, support, "report how often their steps were slow on nodes with profiled stragglers");
        }
        double median = median(factors);
        double value = round(kind, 1 + (median - 1) * support.size() / (support.size() + settings.priorRuns()));
        return new CorrectionFactor(
                kind,
                CorrectedCostModel.CLUSTER_SCOPE,
                value,
                evidenceOf(
                        support,
                        String.format(
                                Locale.ROOT,
                                "median of %d runs' factor on the profiled straggler probability %.3f (from the share"
                                        + " of steps over %.0f%% above the median), shrunk towards 1%s",
                                support.size(),
                                median,
                                100 * Measurement.SLOW_STEP_MARGIN,
                                atBound(kind, value))));
    }

    /** A cluster-wide factor left at its prior because too few runs {@code measured} what it needs. */
    private CorrectionFactor keptAtPrior(CorrectionKind kind, List<Measurement> support, String measured) {
        return new CorrectionFactor(
                kind,
                CorrectedCostModel.CLUSTER_SCOPE,
                CorrectionFactor.PRIOR,
                evidenceOf(
                        support,
                        String.format(
                                Locale.ROOT,
                                "kept at the prior: %d run(s) %s, %d needed",
                                support.size(),
                                measured,
                                settings.minimumRuns())));
    }

    /** Bernoulli straggler probabilities of the run's nodes whose slowdown a slow-step count can see. */
    private static double[] detectableStragglerProbabilities(Measurement run) {
        Cluster cluster = run.inputs().cluster();
        return Arrays.stream(run.inputs().placement().nodeOrder())
                .distinct()
                .mapToObj(cluster::straggler)
                .filter(s -> s.kind() == StragglerModel.Kind.BERNOULLI
                        && s.probability() > 0
                        && s.slowdown() > 1 + Measurement.SLOW_STEP_MARGIN)
                .mapToDouble(StragglerModel::probability)
                .toArray();
    }

    /** The factor c within the kind's bounds whose predicted slow-step share is closest to {@code share}. */
    private static double factorPredicting(double share, double[] probabilities, CorrectionKind kind) {
        double low = kind.lowerBound();
        double high = kind.upperBound();
        for (int i = 0; i < 60; i++) {
            double mid = (low + high) / 2;
            if (slowStepShare(probabilities, mid) < share) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return (low + high) / 2;
    }

    /** Share of steps some straggler holds back when every probability is multiplied by {@code factor}. */
    static double slowStepShare(double[] probabilities, double factor) {
        double allOnTime = 1;
        for (double p : probabilities) {
            allOnTime *= 1 - Math.min(1, p * factor);
        }
        return 1 - allOnTime;
    }

    private CorrectionFactor memoryOverhead(List<Measurement> runs) {
        List<Measurement> support = new ArrayList<>();
        List<Double> logRatios = new ArrayList<>();
        for (Measurement run : runs) {
            if (run.peakMemoryBytes().isPresent()) {
                support.add(run);
                logRatios.add(Math.log(run.peakMemoryBytes().getAsDouble()
                        / estimate(run, run.inputs().cluster()).peakMemoryBytes()));
            }
        }
        CorrectionKind kind = CorrectionKind.MEMORY_OVERHEAD;
        if (support.size() < settings.minimumRuns()) {
            return keptAtPrior(kind, support, "measured peak memory");
        }
        double median = median(logRatios);
        double shrunk = median * support.size() / (support.size() + settings.priorRuns());
        double value = round(kind, Math.exp(shrunk));
        return new CorrectionFactor(
                kind,
                CorrectedCostModel.CLUSTER_SCOPE,
                value,
                evidenceOf(
                        support,
                        String.format(
                                Locale.ROOT,
                                "median of %d runs' measured / predicted peak memory %.3f, shrunk towards 1%s",
                                support.size(),
                                Math.exp(median),
                                atBound(kind, value))));
    }

    private double[] gaussNewtonStep(double[] residual, double[][] jacobian, double[] theta, boolean[] free) {
        int k = theta.length;
        double[][] a = new double[k][k + 1];
        for (int i = 0; i < residual.length; i++) {
            double scaled = Math.abs(residual[i]) / settings.noiseLogScale();
            double weight = scaled <= 1 ? 1 : 1 / scaled;
            for (int p = 0; p < k; p++) {
                if (!free[p]) {
                    continue;
                }
                for (int q = 0; q < k; q++) {
                    if (free[q]) {
                        a[p][q] += weight * jacobian[i][p] * jacobian[i][q];
                    }
                }
                a[p][k] += weight * jacobian[i][p] * residual[i];
            }
        }
        for (int p = 0; p < k; p++) {
            if (free[p]) {
                a[p][p] += settings.priorRuns();
                a[p][k] -= settings.priorRuns() * theta[p];
            } else {
                a[p][p] = 1;
                a[p][k] = 0;
            }
        }
        return solve(a);
    }

    /** Solves the augmented system {@code a} (k × k+1) by Gaussian elimination with partial pivoting. */
    private static double[] solve(double[][] a) {
        int k = a.length;
        for (int col = 0; col < k; col++) {
            int pivot = col;
            for (int row = col + 1; row < k; row++) {
                if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) {
                    pivot = row;
                }
            }
            double[] swap = a[col];
            a[col] = a[pivot];
            a[pivot] = swap;
            for (int row = col + 1; row < k; row++) {
                double factor = a[row][col] / a[col][col];
                for (int c = col; c <= k; c++) {
                    a[row][c] -= factor * a[col][c];
                }
            }
        }
        double[] x = new double[k];
        for (int row = k - 1; row >= 0; row--) {
            double sum = a[row][k];
            for (int c = row + 1; c < k; c++) {
                sum -= a[row][c] * x[c];
            }
            x[row] = sum / a[row][row];
        }
        return x;
    }

    private double[][] sensitivities(
            List<Measurement> runs, List<Parameter> parameters, double[] theta, double[] logTime) {
        double[][] jacobian = new double[runs.size()][parameters.size()];
        for (int p = 0; p < parameters.size(); p++) {
            double[] moved = theta.clone();
            moved[p] += STEP;
            double[] shifted = logTimes(runs, parameters, moved);
            for (int i = 0; i < runs.size(); i++) {
                jacobian[i][p] = (shifted[i] - logTime[i]) / STEP;
            }
        }
        return jacobian;
    }

    private double[] logTimes(List<Measurement> runs, List<Parameter> parameters, double[] theta) {
        double[] result = new double[runs.size()];
        for (int i = 0; i < runs.size(); i++) {
            Measurement run = runs.get(i);
            Cluster cluster = run.inputs().cluster();
            String gpu = cluster.gpuType().name();
            double compute = 1;
            double nvlink = 1;
            double network = 1;
            for (int p = 0; p < parameters.size(); p++) {
                Parameter parameter = parameters.get(p);
                double value = Math.exp(theta[p]);
                switch (parameter.kind()) {
                    case COMPUTE_EFFICIENCY -> compute = parameter.scope().equals(gpu) ? value : compute;
                    case NVLINK_EFFICIENCY -> nvlink = value;
                    case NETWORK_EFFICIENCY -> network = value;
                    default -> throw new IllegalStateException(parameter.kind() + " is not a time factor");
                }
            }
            Cluster corrected = CorrectedCostModel.corrected(cluster, compute, nvlink, network, 1);
            result[i] = Math.log(estimate(run, corrected).iterationTimeSeconds());
        }
        return result;
    }

    private Estimate estimate(Measurement run, Cluster cluster) {
        CaseInputs in = run.inputs();
        Estimate estimate;
        try {
            estimate = model.estimate(in.model(), in.training(), cluster, in.layout(), in.placement());
        } catch (InvalidInputException e) {
            throw new InvalidInputException("run " + run.runId() + " cannot be estimated: " + e.getMessage());
        }
        InvalidInputException.require(
                Double.isFinite(estimate.iterationTimeSeconds()) && estimate.iterationTimeSeconds() > 0,
                "run " + run.runId() + " has no finite predicted iteration time");
        return estimate;
    }

    private static double[] residuals(double[] measured, double[] logTime) {
        double[] r = new double[measured.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = measured[i] - logTime[i];
        }
        return r;
    }

    private static Evidence evidenceOf(List<Measurement> support, String note) {
        long samples = 0;
        List<String> ids = new ArrayList<>();
        for (Measurement run : support) {
            ids.add(run.runId());
            samples += run.samples();
        }
        return new Evidence(ids, samples, note);
    }

    private static double round(CorrectionKind kind, double value) {
        return kind.clamp(Math.rint(value * RESOLUTION_STEPS) / RESOLUTION_STEPS);
    }

    private static String atBound(CorrectionKind kind, double value) {
        return value <= kind.lowerBound() || value >= kind.upperBound() ? "; held at its bound" : "";
    }

    private static double medianAbs(double[] values) {
        List<Double> abs = new ArrayList<>();
        Arrays.stream(values).forEach(v -> abs.add(Math.abs(v)));
        return median(abs);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
