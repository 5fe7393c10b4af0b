package dev.trainingplanner.agent.network;

import dev.trainingplanner.profile.ClusterProfile.LinkProfile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Runs this node's part of the round-robin schedule: in each round it tests the one partner the
 * schedule gives it, as leader (lower position) or follower, and records the links from itself.
 * A failed pair is recorded as a problem and the schedule goes on.
 */
public final class NetworkMeasurement {

    /** Links measured from this node, what went wrong, and the peers' median compute-round times. */
    public record Result(List<LinkProfile> links, List<String> problems, Map<String, Double> peerComputeSeconds) {}

    private final MeasurementServer server;
    private final MeasurementSettings settings;
    private final Consumer<String> log;

    public NetworkMeasurement(MeasurementServer server, MeasurementSettings settings, Consumer<String> log) {
        this.server = server;
        this.settings = settings;
        this.log = log;
    }

    public Result measure(PeerDirectory directory, String selfName, double computeSeconds, int cycle) {
        RoundRobinSchedule schedule =
                new RoundRobinSchedule(directory.participants().size());
        PairTest.Identity self = new PairTest.Identity(selfName, computeSeconds);
        List<LinkProfile> links = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, Double> peerCompute = new LinkedHashMap<>();
        for (int round = 0; round < schedule.rounds().size(); round++) {
            OptionalInt partner = schedule.partner(directory.selfIndex(), round);
            if (partner.isEmpty()) {
                continue;
            }
            Peer peer = directory.participants().get(partner.getAsInt());
            try {
                PairTest.Outcome outcome = directory.selfIndex() < partner.getAsInt()
                        ? PairTest.lead(peer, self, cycle, round, settings)
                        : follow(peer, self, cycle, round);
                Instant measuredAt = Instant.now();
                LinkProfile link = outcome.outgoing().toProfile(selfName, outcome.peerName(), measuredAt);
                links.add(link);
                if (!Double.isNaN(outcome.peerComputeSeconds())) {
                    peerCompute.put(outcome.peerName(), outcome.peerComputeSeconds());
                }
                LatencyBandwidthFit fit = outcome.outgoing().fit();
                log.accept(String.format(
                        Locale.ROOT,
                        "round %d: %s -> %s %.4f Gbit/s (p95 %.4f), latency %.1f us (p95 %.1f); "
                                + "alpha-beta fit: alpha %.1f us, beta %.4f Gbit/s",
                        round + 1,
                        selfName,
                        outcome.peerName(),
                        link.bandwidthGbps(),
                        link.p95BandwidthGbps(),
                        link.latencyUs(),
                        link.p95LatencyUs(),
                        fit.alphaUs(),
                        fit.betaGbps()));
            } catch (PairTestException e) {
                problems.add(e.getMessage());
                log.accept("round " + (round + 1) + ": " + e.getMessage());
            }
        }
        return new Result(links, problems, peerCompute);
    }

    private PairTest.Outcome follow(Peer leader, PairTest.Identity self, int cycle, int round)
            throws PairTestException {
        MeasurementServer.PendingSession session;
        try {
            session = server.awaitSession(cycle, round, settings.peerTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PairTestException("interrupted while waiting for peer " + leader.describe());
        }
        if (session == null) {
            throw new PairTestException("peer " + leader.describe() + " unreachable: it did not start its test within "
                    + settings.peerTimeout().toSeconds() + " s");
        }
        return PairTest.follow(session, self, server, settings);
    }
}
