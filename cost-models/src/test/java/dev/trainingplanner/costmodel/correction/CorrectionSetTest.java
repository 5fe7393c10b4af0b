package dev.trainingplanner.costmodel.correction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.batch.CaseInputs;
import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.estimate.Estimate;
import java.util.List;
import org.junit.jupiter.api.Test;

class CorrectionSetTest {

    private static final CaseInputs RUN = Runs.layouts(Runs.H100_4X8).get(0);

    private static CorrectedEstimate estimate(CorrectionSet set) {
        return new CorrectedCostModel(set, RUN.cluster())
                .estimate(RUN.model(), RUN.training(), RUN.layout(), RUN.placement());
    }

    @Test
    void aRecordedSetReproducesAnOldEstimateExactly() throws Exception {
        List<Measurement> runs = Runs.layouts(Runs.H100_4X8).stream()
                .map(in -> Runs.measuredUnder(Runs.truth(0.9, 0.9, 0.8, 1.1), in, 20))
                .toList();
        CorrectionSet old = new CorrectionFitter().fit(runs);
        CorrectedEstimate then = estimate(old);
        String recorded = new ObjectMapper().writeValueAsString(old);

        // New measurements move the cluster's corrections on ...
        CorrectionSet newer = new CorrectionFitter().fit(runs.subList(0, 5));
        assertThat(newer.version()).isNotEqualTo(old.version());
        assertThat(estimate(newer).estimate().iterationTimeSeconds())
                .isNotEqualTo(then.estimate().iterationTimeSeconds());

        // ... and the recorded set still gives the old prediction, to the bit.
        CorrectionSet replayed = new ObjectMapper().readValue(recorded, CorrectionSet.class);
        assertThat(replayed).isEqualTo(old);
        CorrectedEstimate again = estimate(replayed);
        assertThat(again.correctionVersion())
                .isEqualTo(then.correctionVersion())
                .isEqualTo(old.version());
        assertThat(again.estimate().iterationTimeSeconds())
                .isEqualTo(then.estimate().iterationTimeSeconds());
        assertThat(again.estimate().peakMemoryBytes()).isEqualTo(then.estimate().peakMemoryBytes());
        assertThat(again.applied()).isEqualTo(then.applied());
    }

    @Test
    void aSetWhoseVersionDoesNotMatchItsContentIsRefused() throws Exception {
        CorrectionSet set = Runs.truth(0.9, 1.0, 1.0, 1.0);
        String json = new ObjectMapper().writeValueAsString(set).replace("0.9", "0.95");
        assertThatThrownBy(() -> new ObjectMapper().readValue(json, CorrectionSet.class))
                .hasRootCauseInstanceOf(InvalidInputException.class)
                .rootCause()
                .hasMessageContaining("does not match its factors");
    }

    @Test
    void factorsOutsideTheirBoundsOrTwiceForOneScopeAreRefused() {
        Evidence none = new Evidence(List.of(), 0, "test");
        assertThatThrownBy(() -> new CorrectionFactor(CorrectionKind.NVLINK_EFFICIENCY, "", 1.31, none))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("NVLINK_EFFICIENCY must be within 0.7..1.3");
        CorrectionFactor a = new CorrectionFactor(CorrectionKind.NVLINK_EFFICIENCY, "", 0.9, none);
        CorrectionFactor b = new CorrectionFactor(CorrectionKind.NVLINK_EFFICIENCY, "", 0.8, none);
        assertThatThrownBy(() -> CorrectionSet.of(List.of(a, b)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("twice");
    }

    @Test
    void noCorrectionIsThePublishedModel() {
        Estimate plain =
                new CostModel().estimate(RUN.model(), RUN.training(), RUN.cluster(), RUN.layout(), RUN.placement());
        CorrectedEstimate none = estimate(CorrectionSet.NONE);
        assertThat(none.estimate().iterationTimeSeconds()).isEqualTo(plain.iterationTimeSeconds());
        assertThat(none.estimate().peakMemoryBytes()).isEqualTo(plain.peakMemoryBytes());
        assertThat(none.applied()).isEmpty();
    }

    @Test
    void eachFactorActsWhereTheModelUsesItsQuantity() {
        CorrectedEstimate base = estimate(CorrectionSet.NONE);
        CorrectedEstimate compute = estimate(Runs.truth(0.8, 1.0, 1.0, 1.0));
        // Compute time scales with the inverse of the compute efficiency; the exposed collectives do not.
        assertThat(compute.estimate().breakdown().computeSeconds())
                .isCloseTo(
                        base.estimate().breakdown().computeSeconds() / 0.8, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(compute.estimate().breakdown().exposedDataParallelSeconds())
                .isEqualTo(base.estimate().breakdown().exposedDataParallelSeconds());
        // A slower network lengthens the data-parallel reduction across nodes, not the compute.
        CorrectedEstimate network = estimate(Runs.truth(1.0, 1.0, 0.7, 1.0));
        assertThat(network.estimate().breakdown().computeSeconds())
                .isEqualTo(base.estimate().breakdown().computeSeconds());
        assertThat(network.estimate().breakdown().exposedDataParallelSeconds())
                .isGreaterThan(base.estimate().breakdown().exposedDataParallelSeconds());
        // Slower NVLink lengthens the exposed tensor-parallel all-reduces (tp 8 inside a node).
        CorrectedEstimate nvlink = estimate(Runs.truth(1.0, 0.7, 1.0, 1.0));
        assertThat(nvlink.estimate().breakdown().exposedTensorParallelSeconds())
                .isGreaterThan(base.estimate().breakdown().exposedTensorParallelSeconds());
        // Memory overhead scales what every rank holds.
        CorrectedEstimate memory = estimate(Runs.truth(1.0, 1.0, 1.0, 1.2));
        assertThat(memory.estimate().peakMemoryBytes())
                .isCloseTo(base.estimate().peakMemoryBytes() * 1.2, org.assertj.core.data.Offset.offset(1.0));
        assertThat(memory.estimate().iterationTimeSeconds())
                .isEqualTo(base.estimate().iterationTimeSeconds());
    }

    @Test
    void aComputeCorrectionOfAnotherGpuTypeDoesNotApply() {
        Evidence e = new Evidence(List.of("r1", "r2", "r3"), 30, "test");
        CorrectionSet a100 =
                CorrectionSet.of(List.of(new CorrectionFactor(CorrectionKind.COMPUTE_EFFICIENCY, "A100-80GB", 0.8, e)));
        CorrectedEstimate onH100 = estimate(a100);
        assertThat(onH100.applied()).isEmpty();
        assertThat(onH100.estimate().iterationTimeSeconds())
                .isEqualTo(estimate(CorrectionSet.NONE).estimate().iterationTimeSeconds());
    }
}
