package dev.trainingplanner.costmodel.correction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.batch.CaseInputs;
import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import dev.trainingplanner.costmodel.cluster.StragglerModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class CorrectionFitterTest {

    private static final CorrectionFitter FITTER = new CorrectionFitter();

    private static List<Measurement> runsUnder(CorrectionSet truth) {
        return Runs.layouts(Runs.H100_4X8).stream()
                .map(in -> Runs.measuredUnder(truth, in, 90))
                .toList();
    }

    @Test
    void slowerComputeAndNetworkAreFoundAndBringPredictionsCloser() {
        CorrectionSet truth = Runs.truth(0.85, 1.0, 0.8, 1.1);
        List<Measurement> runs = runsUnder(truth);
        CorrectionSet fitted = FITTER.fit(runs);

        double compute = fitted.value(CorrectionKind.COMPUTE_EFFICIENCY, "H100-80GB");
        assertThat(compute).isBetween(0.85, 0.95);
        assertThat(fitted.value(CorrectionKind.MEMORY_OVERHEAD, "")).isBetween(1.0, 1.1);
        for (Measurement run : runs) {
            CaseInputs in = run.inputs();
            double before = new CorrectedCostModel(CorrectionSet.NONE, in.cluster())
                    .estimate(in.model(), in.training(), in.layout(), in.placement())
                    .estimate()
                    .iterationTimeSeconds();
            double after = new CorrectedCostModel(fitted, in.cluster())
                    .estimate(in.model(), in.training(), in.layout(), in.placement())
                    .estimate()
                    .iterationTimeSeconds();
            assertThat(Math.abs(after - run.iterationSeconds()))
                    .as(run.runId())
                    .isLessThan(Math.abs(before - run.iterationSeconds()));
        }
    }

    @Test
    void boundsHoldUnderExtremeData() {
        // Each plan ran three times: 24 runs that agree carry a factor as far as its bound.
        List<Measurement> repeated = new ArrayList<>();
        for (int repeat = 0; repeat < 3; repeat++) {
            for (Measurement run : runsUnder(CorrectionSet.NONE)) {
                repeated.add(new Measurement(
                        run.runId() + "#" + repeat,
                        run.inputs(),
                        run.iterationSeconds(),
                        run.peakMemoryBytes(),
                        Map.of(),
                        run.samples()));
            }
        }
        CorrectionSet slow =
                FITTER.fit(repeated.stream().map(run -> scaled(run, 10, 5)).toList());
        assertThat(slow.value(CorrectionKind.COMPUTE_EFFICIENCY, "H100-80GB")).isEqualTo(0.7);
        assertThat(slow.value(CorrectionKind.MEMORY_OVERHEAD, "")).isEqualTo(1.25);
        CorrectionSet fast =
                FITTER.fit(repeated.stream().map(run -> scaled(run, 0.05, 0.1)).toList());
        assertThat(fast.value(CorrectionKind.COMPUTE_EFFICIENCY, "H100-80GB")).isEqualTo(1.3);
        assertThat(fast.value(CorrectionKind.MEMORY_OVERHEAD, "")).isEqualTo(0.8);
        for (CorrectionSet set : List.of(slow, fast)) {
            assertThat(set.factors()).allSatisfy(f -> assertThat(f.value())
                    .isBetween(f.kind().lowerBound(), f.kind().upperBound()));
            assertThat(set.find(CorrectionKind.COMPUTE_EFFICIENCY, "H100-80GB")
                            .orElseThrow()
                            .evidence()
                            .note())
                    .contains("held at its bound");
        }
    }

    @Test
    void oneOddRunMovesAFactorByLittle() {
        List<Measurement> runs = new ArrayList<>(runsUnder(CorrectionSet.NONE));
        runs.set(3, scaled(runs.get(3), 10, 1));
        double compute = FITTER.fit(runs).value(CorrectionKind.COMPUTE_EFFICIENCY, "H100-80GB");
        // At most about noiseLogScale / priorRuns = 0.025 in log.
        assertThat(compute).isBetween(0.97, 1.0);
    }

    @Test
    void tooLittleEvidenceLeavesEveryFactorAtItsPrior() {
        List<Measurement> two = runsUnder(Runs.truth(0.8, 0.8, 0.8, 1.2)).subList(0, 2);
        CorrectionSet fitted = FITTER.fit(two);
        assertThat(fitted.factors()).allSatisfy(f -> {
            assertThat(f.value()).isEqualTo(CorrectionFactor.PRIOR);
            assertThat(f.evidence().note()).startsWith("kept at the prior");
        });
        assertThat(new CorrectedCostModel(fitted, Runs.H100_4X8).applied()).isEmpty();
    }

    @Test
    void aTierThatNoRunUsesStaysAtItsPrior() {
        // One node: no run crosses the network, however many runs there are.
        Cluster node = Cluster.uniform(GpuCatalog.byName("H100-80GB"), 1, 8);
        CorrectionSet truth = Runs.truth(0.9, 1.0, 0.7, 1.0);
        List<Measurement> runs =
                Runs.layouts(node, new int[][] {{8, 1, 1}, {4, 1, 2}, {2, 1, 4}, {1, 1, 8}, {2, 2, 2}}).stream()
                        .map(in -> Runs.measuredUnder(truth, in, 10))
                        .toList();
        CorrectionSet fitted = FITTER.fit(runs);
        CorrectionFactor network =
                fitted.find(CorrectionKind.NETWORK_EFFICIENCY, "").orElseThrow();
        assertThat(network.value()).isEqualTo(CorrectionFactor.PRIOR);
        assertThat(network.evidence().runIds()).isEmpty();
        assertThat(network.evidence().note()).contains("0 run(s)");
        assertThat(fitted.value(CorrectionKind.COMPUTE_EFFICIENCY, "H100-80GB")).isLessThan(1);
    }

    @Test
    void evidenceListsTheRunsAndTheirSamples() {
        List<Measurement> runs = runsUnder(Runs.truth(0.9, 1.0, 1.0, 1.1));
        CorrectionSet fitted = FITTER.fit(runs);
        Evidence compute = fitted.find(CorrectionKind.COMPUTE_EFFICIENCY, "H100-80GB")
                .orElseThrow()
                .evidence();
        assertThat(compute.runIds())
                .containsExactlyElementsOf(runs.stream().map(Measurement::runId).toList());
        assertThat(compute.samples()).isEqualTo(90L * runs.size());
        assertThat(compute.note()).startsWith("fitted on " + runs.size() + " of " + runs.size() + " runs");
        Evidence memory =
                fitted.find(CorrectionKind.MEMORY_OVERHEAD, "").orElseThrow().evidence();
        assertThat(memory.runs()).isEqualTo(runs.size());

        List<AppliedCorrection> applied = new CorrectedCostModel(fitted, Runs.H100_4X8).applied();
        assertThat(applied).anySatisfy(a -> {
            assertThat(a.kind()).isEqualTo(CorrectionKind.COMPUTE_EFFICIENCY);
            assertThat(a.runs()).isEqualTo(runs.size());
            assertThat(a.samples()).isEqualTo(90L * runs.size());
        });
    }

    @Test
    void stragglerProbabilityIsNotIdentifiedFromMedianIterationTimes() {
        CorrectionFactor straggler = FITTER.fit(runsUnder(Runs.truth(0.9, 1.0, 1.0, 1.0)))
                .find(CorrectionKind.STRAGGLER_PROBABILITY, "")
                .orElseThrow();
        assertThat(straggler.value()).isEqualTo(CorrectionFactor.PRIOR);
        assertThat(straggler.evidence().note()).contains("0 run(s) report how often their steps were slow");
    }

    /**
     * Four nodes that each straggle in 1% of steps at 1.5× per the profile; the runs see slow steps as often as twice
     * that probability predicts ({@code 1 − (1 − 0.02)^4}). Eight runs move the factor to 1 + (2 − 1)·8/(8 + 2) = 1.8.
     */
    @Test
    void stragglerProbabilityFollowsHowOftenStepsWereSlow() {
        Cluster.Builder profiled = Runs.H100_4X8.toBuilder();
        for (int node = 0; node < 4; node++) {
            profiled.straggler(node, StragglerModel.bernoulli(0.01, 1.5));
        }
        Cluster cluster = profiled.build();
        double share = 1 - Math.pow(1 - 0.02, 4);
        List<Measurement> runs = Runs.layouts(cluster).stream()
                .map(in -> withSlowSteps(Measurement.ofIterationTime(in.caseId(), in, 1.0, 500), share))
                .toList();

        CorrectionFactor straggler =
                FITTER.fit(runs).find(CorrectionKind.STRAGGLER_PROBABILITY, "").orElseThrow();

        assertThat(straggler.value()).isCloseTo(1.8, within(0.01));
        assertThat(straggler.evidence().runIds()).hasSize(runs.size());
        assertThat(straggler.evidence().note()).contains("share of steps over 10% above the median");
        // Stragglers too mild to push a step over the margin leave nothing to count.
        Cluster.Builder mild = Runs.H100_4X8.toBuilder();
        for (int node = 0; node < 4; node++) {
            mild.straggler(node, StragglerModel.bernoulli(0.01, 1.05));
        }
        List<Measurement> mildRuns = Runs.layouts(mild.build()).stream()
                .map(in -> withSlowSteps(Measurement.ofIterationTime(in.caseId(), in, 1.0, 500), share))
                .toList();
        assertThat(FITTER.fit(mildRuns)
                        .find(CorrectionKind.STRAGGLER_PROBABILITY, "")
                        .orElseThrow()
                        .value())
                .isEqualTo(CorrectionFactor.PRIOR);
    }

    private static Measurement withSlowSteps(Measurement run, double share) {
        return new Measurement(
                run.runId(),
                run.inputs(),
                run.iterationSeconds(),
                run.peakMemoryBytes(),
                run.phaseSeconds(),
                run.samples(),
                OptionalDouble.of(share));
    }

    @Test
    void theFitIsDeterministic() {
        List<Measurement> runs = runsUnder(Runs.truth(0.9, 0.95, 0.85, 1.05));
        CorrectionSet first = FITTER.fit(runs);
        CorrectionSet second = FITTER.fit(List.copyOf(runs));
        assertThat(second).isEqualTo(first);
        assertThat(second.version()).isEqualTo(first.version());
    }

    @Test
    void badMeasurementsAreRefusedWithTheRun() {
        CaseInputs in = Runs.layouts(Runs.H100_4X8).get(0);
        assertThatThrownBy(() -> Measurement.ofIterationTime("run-7", in, 0, 10))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("run-7")
                .hasMessageContaining("iteration seconds");
        assertThatThrownBy(() -> Measurement.ofIterationTime("run-7", in, 1.2, 0))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("samples");
        assertThatThrownBy(() -> FITTER.fit(List.of())).isInstanceOf(InvalidInputException.class);
    }

    private static Measurement scaled(Measurement run, double time, double memory) {
        return new Measurement(
                run.runId(),
                run.inputs(),
                run.iterationSeconds() * time,
                OptionalDouble.of(run.peakMemoryBytes().getAsDouble() * memory),
                Map.of(),
                run.samples());
    }
}
