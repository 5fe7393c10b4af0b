package dev.trainingplanner.costmodel.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.trainingplanner.costmodel.layout.TokenDispatcher;
import dev.trainingplanner.costmodel.training.Precision;
import org.junit.jupiter.api.Test;

class ExpertAllToAllTimeTest {

    private static final double NVLINK = 450e9;
    private static final double NVLINK_LATENCY = 5e-6;
    private static final double NETWORK = 50e9;
    private static final double NETWORK_LATENCY = 12e-6;
    private static final double TOKENS = 4096;
    private static final double HIDDEN = 2048;

    private static double oneWay(TokenDispatcher dispatcher, int ep, int perIsland, int topK) {
        return ExpertAllToAllTime.oneWaySeconds(
                dispatcher, ep, perIsland, TOKENS, topK, HIDDEN, 2, NVLINK, NVLINK_LATENCY, NETWORK, NETWORK_LATENCY);
    }

    @Test
    void anAllToAllInsideOneNvlinkIslandRunsAtNvlinkSpeedAndOneAcrossNodesOnTheNetwork() {
        double copies = TOKENS * 8 * HIDDEN * 2;
        double inIsland = oneWay(TokenDispatcher.ALLTOALL, 8, 8, 8);
        assertThat(inIsland).isCloseTo(copies * 7 / 8 / NVLINK + NVLINK_LATENCY, within(1e-12));
        double oneGpuPerNode = oneWay(TokenDispatcher.ALLTOALL, 8, 1, 8);
        assertThat(oneGpuPerNode).isCloseTo(copies * 7 / 8 / NETWORK + NETWORK_LATENCY, within(1e-12));
        // Two islands of four: NVLink and network in parallel, the network's half share sets the pace.
        double twoIslands = oneWay(TokenDispatcher.ALLTOALL, 8, 4, 8);
        assertThat(twoIslands).isCloseTo(copies * 4 / 8 / NETWORK + NETWORK_LATENCY, within(1e-12));
        assertThat(inIsland).isLessThan(twoIslands).isLessThan(oneGpuPerNode);
        assertThat(oneWay(TokenDispatcher.ALLTOALL, 1, 1, 8)).isZero();
    }

    @Test
    void theHierarchicalDispatcherSendsEachTokenOncePerRemoteIslandThenFansOutOverNvlink() {
        int ep = 32;
        int perIsland = 8;
        double islands = 4;
        double tokenBytes = TOKENS * HIDDEN * 2;
        double remote = (islands - 1) * (1 - Math.pow(1 - 1 / islands, 8));
        double expected =
                tokenBytes * remote / NETWORK + tokenBytes * 8 * 7 / 8 / NVLINK + NETWORK_LATENCY + NVLINK_LATENCY;
        double hierarchical = oneWay(TokenDispatcher.HIERARCHICAL, ep, perIsland, 8);
        assertThat(hierarchical).isCloseTo(expected, within(1e-12));
        // With top-8 routing over 4 islands a token would cross the network 6 times as plain all-to-all copies.
        assertThat(hierarchical).isLessThan(oneWay(TokenDispatcher.ALLTOALL, ep, perIsland, 8));
        // Inside one island there is no network stage: the plain all-to-all.
        assertThat(oneWay(TokenDispatcher.HIERARCHICAL, 8, 8, 8)).isEqualTo(oneWay(TokenDispatcher.ALLTOALL, 8, 8, 8));
    }

    @Test
    void theAllGatherDispatcherGathersEveryTokenOfTheGroup() {
        double gathered = CollectiveTime.hierarchical(
                CollectiveTime.Ring.ALL_GATHER,
                4,
                2,
                8 * TOKENS * HIDDEN * 2,
                NVLINK,
                NVLINK_LATENCY,
                NETWORK,
                NETWORK_LATENCY);
        assertThat(oneWay(TokenDispatcher.ALLGATHER, 8, 4, 8)).isEqualTo(gathered);
        assertThat(oneWay(TokenDispatcher.ALLGATHER, 8, 4, 2)).isEqualTo(gathered);
    }

    @Test
    void aLayerRunsFourAllToAllsPlusTheForwardPairAgainUnderFullRecompute() {
        assertThat(ExpertAllToAllTime.layerSeconds(1, 2, false)).isEqualTo(1 + 2 + 2 * 2);
        assertThat(ExpertAllToAllTime.layerSeconds(1, 2, true)).isEqualTo(1 + 2 + 2 * 2 + 1 + 2);
    }

    @Test
    void overlapHidesTheAllToAllsOnlyUpToTheOverlappingCompute() {
        assertThat(ExpertAllToAllTime.exposedSeconds(10, false, 4)).isEqualTo(10);
        assertThat(ExpertAllToAllTime.exposedSeconds(10, true, 4)).isEqualTo(6);
        assertThat(ExpertAllToAllTime.exposedSeconds(3, true, 4)).isZero();
    }

    @Test
    void dispatchIsFp8OnlyWithFp8GemmsOnTheHierarchicalDispatcher() {
        assertThat(ExpertAllToAllTime.dispatchBytesPerElement(Precision.FP8, TokenDispatcher.HIERARCHICAL))
                .isEqualTo(1);
        assertThat(ExpertAllToAllTime.dispatchBytesPerElement(Precision.FP8, TokenDispatcher.ALLTOALL))
                .isEqualTo(2);
        assertThat(ExpertAllToAllTime.dispatchBytesPerElement(Precision.BF16, TokenDispatcher.HIERARCHICAL))
                .isEqualTo(2);
    }
}
