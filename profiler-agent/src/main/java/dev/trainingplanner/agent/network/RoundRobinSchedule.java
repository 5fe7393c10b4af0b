package dev.trainingplanner.agent.network;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The circle method of round-robin tournaments: participant 0 stays fixed while the others rotate,
 * giving N-1 rounds (N even) of N/2 disjoint pairs in which every pair meets exactly once, so each
 * node takes part in one test at a time. An odd N gets a bye: one node rests each round.
 */
public final class RoundRobinSchedule {

    /** One test of a round; {@code leader} opens the connections and drives both directions. */
    public record Pairing(int leader, int follower) {}

    private final List<List<Pairing>> rounds;

    public RoundRobinSchedule(int participants) {
        if (participants < 1) {
            throw new IllegalArgumentException("a schedule needs at least one participant");
        }
        int slots = participants % 2 == 0 ? participants : participants + 1;
        List<Integer> circle = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            circle.add(i);
        }
        List<List<Pairing>> all = new ArrayList<>();
        for (int round = 0; round < slots - 1; round++) {
            List<Pairing> pairs = new ArrayList<>();
            for (int i = 0; i < slots / 2; i++) {
                int a = circle.get(i);
                int b = circle.get(slots - 1 - i);
                if (a < participants && b < participants) {
                    pairs.add(new Pairing(Math.min(a, b), Math.max(a, b)));
                }
            }
            all.add(List.copyOf(pairs));
            circle.add(1, circle.remove(slots - 1));
        }
        this.rounds = List.copyOf(all);
    }

    public List<List<Pairing>> rounds() {
        return rounds;
    }

    /** This participant's partner in the round, if it is not resting. */
    public OptionalInt partner(int participant, int round) {
        for (Pairing pairing : rounds.get(round)) {
            if (pairing.leader() == participant) {
                return OptionalInt.of(pairing.follower());
            }
            if (pairing.follower() == participant) {
                return OptionalInt.of(pairing.leader());
            }
        }
        return OptionalInt.empty();
    }
}
