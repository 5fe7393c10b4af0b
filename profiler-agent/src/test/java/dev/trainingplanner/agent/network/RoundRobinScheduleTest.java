package dev.trainingplanner.agent.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoundRobinScheduleTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 7, 8, 16})
    void everyPairMeetsOnceAndNoNodeIsInTwoTestsAtOnce(int nodes) {
        RoundRobinSchedule schedule = new RoundRobinSchedule(nodes);

        int expectedRounds = nodes % 2 == 0 ? nodes - 1 : nodes;
        assertThat(schedule.rounds()).hasSize(expectedRounds);
        Set<List<Integer>> pairs = new HashSet<>();
        for (List<RoundRobinSchedule.Pairing> round : schedule.rounds()) {
            assertThat(round).hasSize(nodes / 2);
            Set<Integer> busy = new HashSet<>();
            for (RoundRobinSchedule.Pairing pairing : round) {
                assertThat(pairing.leader()).isLessThan(pairing.follower());
                assertThat(busy.add(pairing.leader())).isTrue();
                assertThat(busy.add(pairing.follower())).isTrue();
                assertThat(pairs.add(List.of(pairing.leader(), pairing.follower())))
                        .isTrue();
            }
        }
        assertThat(pairs).hasSize(nodes * (nodes - 1) / 2);
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 5})
    void partnerIsSymmetric(int nodes) {
        RoundRobinSchedule schedule = new RoundRobinSchedule(nodes);
        for (int round = 0; round < schedule.rounds().size(); round++) {
            for (int node = 0; node < nodes; node++) {
                int current = round;
                int self = node;
                schedule.partner(node, round).ifPresent(partner -> assertThat(schedule.partner(partner, current))
                        .hasValue(self));
            }
        }
    }
}
