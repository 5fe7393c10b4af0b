package dev.trainingplanner.agent.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.profile.ClusterProfile.LinkProfile;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real agents on loopback addresses, each with its own server, measuring each other. */
class NetworkMeasurementTest {

    private static final MeasurementSettings FAST = new MeasurementSettings(
            2,
            Duration.ofMillis(150),
            3,
            List.of(64, 4096, 65536),
            5,
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            Duration.ofSeconds(3));

    private final List<MeasurementServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(MeasurementServer::close);
    }

    @Test
    void threeAgentsMeasureEveryPairInBothDirections() throws Exception {
        List<Integer> ports = List.of(start("127.0.0.1", 0), start("127.0.0.1", 0), start("127.0.0.1", 0));
        String peers = "n0 127.0.0.1:" + ports.get(0) + "\nn1 127.0.0.1:" + ports.get(1) + "\nn2 127.0.0.1:"
                + ports.get(2) + "\n";

        List<CompletableFuture<NetworkMeasurement.Result>> agents = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            PeerDirectory directory = PeerDirectory.fromFile(peers, "peers", "n" + i);
            MeasurementServer server = servers.get(i);
            double computeSeconds = 0.01 * (i + 1);
            String name = "n" + i;
            agents.add(CompletableFuture.supplyAsync(() ->
                    new NetworkMeasurement(server, FAST, line -> {}).measure(directory, name, computeSeconds, 0)));
        }

        for (int i = 0; i < 3; i++) {
            NetworkMeasurement.Result result = agents.get(i).get(60, TimeUnit.SECONDS);
            assertThat(result.problems()).isEmpty();
            assertThat(result.links()).extracting(LinkProfile::from).containsOnly("n" + i);
            assertThat(result.links()).extracting(LinkProfile::to).hasSize(2).doesNotContain("n" + i);
            for (LinkProfile link : result.links()) {
                assertThat(link.bandwidthGbps()).isPositive();
                assertThat(link.p95BandwidthGbps()).isLessThanOrEqualTo(link.bandwidthGbps());
                assertThat(link.latencyUs()).isPositive();
                assertThat(link.p95LatencyUs()).isGreaterThanOrEqualTo(link.latencyUs());
            }
            assertThat(result.peerComputeSeconds()).hasSize(2).doesNotContainKey("n" + i);
        }
        assertThat(agents.get(0).get().peerComputeSeconds()).containsEntry("n2", 0.03);
    }

    @Test
    void dnsPeersLearnTheirNamesInTheHandshake() throws Exception {
        int port = start("127.0.0.1", 0);
        start("127.0.0.2", port);
        PeerDirectory.Resolver records =
                host -> new InetAddress[] {InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.1")};
        List<CompletableFuture<NetworkMeasurement.Result>> agents = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            PeerDirectory directory = PeerDirectory.fromDns(
                    "dns:agents:" + port, InetSocketAddress.createUnresolved("127.0.0." + (i + 1), port), records);
            MeasurementServer server = servers.get(i);
            String name = "pod-" + i;
            agents.add(CompletableFuture.supplyAsync(
                    () -> new NetworkMeasurement(server, FAST, line -> {}).measure(directory, name, Double.NaN, 0)));
        }

        NetworkMeasurement.Result first = agents.get(0).get(60, TimeUnit.SECONDS);
        NetworkMeasurement.Result second = agents.get(1).get(60, TimeUnit.SECONDS);

        assertThat(first.links()).singleElement().satisfies(link -> {
            assertThat(link.from()).isEqualTo("pod-0");
            assertThat(link.to()).isEqualTo("pod-1");
        });
        assertThat(second.links()).singleElement().satisfies(link -> assertThat(link.to())
                .isEqualTo("pod-0"));
        assertThat(first.peerComputeSeconds()).isEmpty();
    }

    @Test
    void unreachablePeerIsRecordedAsUnreachableWithinThePeerTimeout() throws Exception {
        int port = start("127.0.0.1", 0);
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = probe.getLocalPort();
        }
        // "a" leads the only pair and connects to nobody; "z" would lead nothing and waits for a leader.
        String peers = "a 127.0.0.1:" + port + "\nz 127.0.0.1:" + closedPort + "\n";
        long start = System.nanoTime();

        NetworkMeasurement.Result result = new NetworkMeasurement(servers.get(0), FAST, line -> {})
                .measure(PeerDirectory.fromFile(peers, "peers", "a"), "a", Double.NaN, 0);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(result.links()).isEmpty();
        assertThat(result.problems())
                .singleElement()
                .asString()
                .contains("peer z (127.0.0.1:" + closedPort + ") unreachable", "no connection within 3 s");
    }

    @Test
    void silentLeaderIsRecordedAsUnreachable() {
        int port = start("127.0.0.1", 0);
        String peers = "a 127.0.0.1:1\nb 127.0.0.1:" + port + "\n";

        NetworkMeasurement.Result result = new NetworkMeasurement(servers.get(0), FAST, line -> {})
                .measure(PeerDirectory.fromFile(peers, "peers", "b"), "b", Double.NaN, 0);

        assertThat(result.problems())
                .singleElement()
                .asString()
                .contains("peer a (127.0.0.1:1) unreachable: it did not start its test within 3 s");
    }

    @Test
    void followerThatDisconnectsMidTestGivesAClearError() throws Exception {
        int leaderPort = start("127.0.0.1", 0);
        try (ServerSocket impostor = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CompletableFuture<Void> follower = CompletableFuture.runAsync(() -> {
                try (Socket socket = impostor.accept()) {
                    DataInputStream in = new DataInputStream(socket.getInputStream());
                    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                    in.readInt();
                    in.readInt();
                    in.readByte();
                    in.readInt();
                    in.readInt();
                    in.readUTF();
                    in.readDouble();
                    out.writeByte(Wire.READY);
                    out.writeUTF("b");
                    out.writeDouble(Double.NaN);
                    out.flush();
                    in.readByte();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            String peers = "a 127.0.0.1:" + leaderPort + "\nb 127.0.0.1:" + impostor.getLocalPort() + "\n";

            NetworkMeasurement.Result result = new NetworkMeasurement(servers.get(0), FAST, line -> {})
                    .measure(PeerDirectory.fromFile(peers, "peers", "a"), "a", Double.NaN, 0);

            follower.get(10, TimeUnit.SECONDS);
            assertThat(result.problems())
                    .singleElement()
                    .asString()
                    .contains("peer b (127.0.0.1:" + impostor.getLocalPort()
                            + ") disconnected mid-test during round trips");
        }
    }

    @Test
    void leaderThatDisconnectsMidTestGivesAClearError() throws Exception {
        int followerPort = start("127.0.0.1", 0);
        String peers = "a 127.0.0.1:1\nb 127.0.0.1:" + followerPort + "\n";
        CompletableFuture<NetworkMeasurement.Result> follower =
                CompletableFuture.supplyAsync(() -> new NetworkMeasurement(servers.get(0), FAST, line -> {})
                        .measure(PeerDirectory.fromFile(peers, "peers", "b"), "b", Double.NaN, 0));
        try (Socket leader = new Socket("127.0.0.1", followerPort)) {
            DataOutputStream out = new DataOutputStream(leader.getOutputStream());
            out.writeInt(Wire.MAGIC);
            out.writeInt(Wire.VERSION);
            out.writeByte(Wire.CONTROL);
            out.writeInt(0);
            out.writeInt(0);
            out.writeUTF("a");
            out.writeDouble(Double.NaN);
            out.flush();
            DataInputStream in = new DataInputStream(leader.getInputStream());
            assertThat(in.readByte()).isEqualTo(Wire.READY);
            out.writeByte(Wire.RECEIVE);
            out.flush();
        }

        NetworkMeasurement.Result result = follower.get(20, TimeUnit.SECONDS);

        assertThat(result.problems())
                .singleElement()
                .asString()
                .startsWith("peer a (127.0.0.1) disconnected mid-test during bandwidth test from the peer");
    }

    @Test
    void latencyIsHalfTheRoundTripThroughADelayProxy() throws Exception {
        int leaderPort = start("127.0.0.1", 0);
        int followerPort = start("127.0.0.1", 0);
        long delayMicros = 3000;
        try (DelayProxy proxy = new DelayProxy(new InetSocketAddress("127.0.0.1", followerPort), delayMicros)) {
            // The leader reaches the follower only through the proxy: every message waits 3 ms each way.
            String peers = "a 127.0.0.1:" + leaderPort + "\nb 127.0.0.1:" + proxy.port() + "\n";
            CompletableFuture<NetworkMeasurement.Result> follower =
                    CompletableFuture.supplyAsync(() -> new NetworkMeasurement(servers.get(1), FAST, line -> {})
                            .measure(PeerDirectory.fromFile(peers, "peers", "b"), "b", Double.NaN, 0));
            List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();

            NetworkMeasurement.Result leader = new NetworkMeasurement(servers.get(0), FAST, log::add)
                    .measure(PeerDirectory.fromFile(peers, "peers", "a"), "a", Double.NaN, 0);

            List<LinkProfile> links = new ArrayList<>(leader.links());
            links.addAll(follower.get(60, TimeUnit.SECONDS).links());
            // One-way latency is half the round trip: at least the proxy's delay, and well short of the
            // whole round trip (2x) even when a loaded machine adds scheduling delay to every hop.
            assertThat(links).hasSize(2).allSatisfy(link -> assertThat(link.latencyUs())
                    .isBetween((double) delayMicros, delayMicros * 1.8));
            java.util.regex.Matcher alpha = java.util.regex.Pattern.compile("alpha-beta fit: alpha ([0-9.]+) us")
                    .matcher(String.join("\n", log));
            assertThat(alpha.find()).as("fit logged: %s", log).isTrue();
            assertThat(Double.parseDouble(alpha.group(1))).isBetween(delayMicros * 0.9, delayMicros * 1.8);
        }
    }

    private int start(String host, int port) {
        try {
            MeasurementServer server =
                    MeasurementServer.start(InetSocketAddress.createUnresolved(host, port), Duration.ofSeconds(5));
            servers.add(server);
            return server.port();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
