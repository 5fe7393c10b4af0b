package dev.trainingplanner.agent.network;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One pair test, both directions. The leader connects to the follower, measures round trips at each
 * message size, then alternates bulk transfers leader-to-follower and follower-to-leader; each
 * direction's goodput is counted by its receiver, and the leader finally hands the follower the
 * figures of the follower's outgoing direction.
 */
final class PairTest {

    /** This node as it introduces itself: its name and its median compute-round time. */
    record Identity(String name, double computeSeconds) {}

    /** What one side learned: the peer, its compute time, and both directions seen from this side. */
    record Outcome(String peerName, double peerComputeSeconds, LinkSamples outgoing, LinkSamples incoming) {}

    private static final SecureRandom TOKENS = new SecureRandom();

    private PairTest() {}

    static Outcome lead(Peer follower, Identity self, int cycle, int round, MeasurementSettings settings)
            throws PairTestException {
        Socket control = connect(follower, settings, settings.peerTimeout());
        List<Socket> open = new ArrayList<>(List.of(control));
        ScheduledFuture<?> watchdog = Watchdog.closeAfter(settings.peerTimeout().plus(budget(settings)), open);
        String phase = "handshake";
        try {
            DataInputStream in = new DataInputStream(control.getInputStream());
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(control.getOutputStream()));
            out.writeInt(Wire.MAGIC);
            out.writeInt(Wire.VERSION);
            out.writeByte(Wire.CONTROL);
            out.writeInt(cycle);
            out.writeInt(round);
            out.writeUTF(self.name());
            out.writeDouble(self.computeSeconds());
            out.flush();
            phase = "waiting for the peer to be free";
            control.setSoTimeout((int) settings.peerTimeout().toMillis());
            expect(in, Wire.READY);
            String followerName = in.readUTF();
            double followerCompute = in.readDouble();
            control.setSoTimeout((int) settings.ioTimeout().toMillis());

            phase = "round trips";
            Map<Integer, List<Double>> oneWayUs = roundTrips(in, out, settings);
            List<Double> toFollower = new ArrayList<>();
            List<Double> fromFollower = new ArrayList<>();
            for (int repeat = 0; repeat < settings.repeats(); repeat++) {
                phase = "bandwidth test to the peer";
                toFollower.add(sendToFollower(follower, in, out, settings));
                phase = "bandwidth test from the peer";
                fromFollower.add(receiveFromFollower(follower, in, out, settings));
            }
            phase = "result hand-over";
            out.writeByte(Wire.RESULT);
            writeSamples(out, fromFollower, oneWayUs);
            out.flush();
            expect(in, Wire.ACK);
            out.writeByte(Wire.DONE);
            out.flush();
            expect(in, Wire.ACK);
            return new Outcome(
                    followerName,
                    followerCompute,
                    new LinkSamples(toFollower, oneWayUs),
                    new LinkSamples(fromFollower, oneWayUs));
        } catch (IOException e) {
            throw failure(follower.describe(), phase, e);
        } finally {
            watchdog.cancel(false);
            Watchdog.closeQuietly(control);
        }
    }

    static Outcome follow(
            MeasurementServer.PendingSession session,
            Identity self,
            MeasurementServer server,
            MeasurementSettings settings)
            throws PairTestException {
        Socket control = session.socket();
        ScheduledFuture<?> watchdog = Watchdog.closeAfter(budget(settings), List.of(control));
        String leader =
                session.hello().leaderName() + " (" + control.getInetAddress().getHostAddress() + ")";
        String phase = "handshake";
        List<Double> fromLeader = new ArrayList<>();
        LinkSamples outgoing = null;
        try {
            DataInputStream in = session.in();
            DataOutputStream out = session.out();
            control.setSoTimeout((int) settings.ioTimeout().toMillis());
            out.writeByte(Wire.READY);
            out.writeUTF(self.name());
            out.writeDouble(self.computeSeconds());
            out.flush();
            while (true) {
                phase = "waiting for the next step";
                byte command = in.readByte();
                if (command == Wire.PING) {
                    phase = "round trips";
                    byte[] payload = new byte[in.readInt()];
                    in.readFully(payload);
                    out.write(payload);
                    out.flush();
                } else if (command == Wire.RECEIVE) {
                    phase = "bandwidth test from the peer";
                    long token = in.readLong();
                    List<Socket> streams = server.awaitDataStreams(token, in.readInt(), settings.ioTimeout());
                    CompletableFuture<StreamTransfer.Transfer> transfer =
                            StreamTransfer.receiveAsync(streams, settings.ioTimeout());
                    out.writeByte(Wire.GO);
                    out.flush();
                    StreamTransfer.Transfer received = StreamTransfer.await(transfer);
                    fromLeader.add(received.gigabitsPerSecond());
                    out.writeLong(received.bytes());
                    out.writeLong(received.nanos());
                    out.flush();
                } else if (command == Wire.SEND) {
                    phase = "bandwidth test to the peer";
                    long token = in.readLong();
                    int count = in.readInt();
                    Duration duration = Duration.ofMillis(in.readLong());
                    List<Socket> streams = server.awaitDataStreams(token, count, settings.ioTimeout());
                    out.writeByte(Wire.GO);
                    out.flush();
                    StreamTransfer.sendFor(streams, duration, settings.ioTimeout());
                    out.writeByte(Wire.ACK);
                    out.flush();
                } else if (command == Wire.RESULT) {
                    phase = "result hand-over";
                    outgoing = readSamples(in);
                    out.writeByte(Wire.ACK);
                    out.flush();
                } else if (command == Wire.DONE) {
                    out.writeByte(Wire.ACK);
                    out.flush();
                    break;
                } else {
                    throw new IOException("unexpected message " + command);
                }
            }
            if (outgoing == null || fromLeader.isEmpty()) {
                throw new IOException("the peer ended the test before it was complete");
            }
            return new Outcome(
                    session.hello().leaderName(),
                    session.hello().leaderComputeSeconds(),
                    outgoing,
                    new LinkSamples(fromLeader, outgoing.oneWayUsBySizeBytes()));
        } catch (IOException e) {
            throw failure(leader, phase, e);
        } finally {
            watchdog.cancel(false);
            Watchdog.closeQuietly(control);
        }
    }

    private static Map<Integer, List<Double>> roundTrips(
            DataInputStream in, DataOutputStream out, MeasurementSettings settings) throws IOException {
        Map<Integer, List<Double>> oneWayUs = new HashMap<>();
        for (int size : settings.messageSizesBytes()) {
            byte[] payload = new byte[size];
            List<Double> times = new ArrayList<>();
            // The first exchange of each size warms buffers and congestion window and is not counted.
            for (int i = 0; i <= settings.roundTrips(); i++) {
                long start = System.nanoTime();
                out.writeByte(Wire.PING);
                out.writeInt(size);
                out.write(payload);
                out.flush();
                in.readFully(payload);
                double roundTripUs = (System.nanoTime() - start) / 1000.0;
                if (i > 0) {
                    times.add(roundTripUs / 2);
                }
            }
            oneWayUs.put(size, times);
        }
        return oneWayUs;
    }

    private static double sendToFollower(
            Peer follower, DataInputStream in, DataOutputStream out, MeasurementSettings settings) throws IOException {
        long token = TOKENS.nextLong();
        out.writeByte(Wire.RECEIVE);
        out.writeLong(token);
        out.writeInt(settings.streams());
        out.flush();
        List<Socket> streams = openDataStreams(follower, token, settings);
        expect(in, Wire.GO);
        StreamTransfer.sendFor(streams, settings.testDuration(), settings.ioTimeout());
        long bytes = in.readLong();
        long nanos = in.readLong();
        return new StreamTransfer.Transfer(bytes, nanos).gigabitsPerSecond();
    }

    private static double receiveFromFollower(
            Peer follower, DataInputStream in, DataOutputStream out, MeasurementSettings settings) throws IOException {
        long token = TOKENS.nextLong();
        List<Socket> streams = openDataStreams(follower, token, settings);
        CompletableFuture<StreamTransfer.Transfer> transfer =
                StreamTransfer.receiveAsync(streams, settings.ioTimeout());
        out.writeByte(Wire.SEND);
        out.writeLong(token);
        out.writeInt(settings.streams());
        out.writeLong(settings.testDuration().toMillis());
        out.flush();
        expect(in, Wire.GO);
        StreamTransfer.Transfer received = StreamTransfer.await(transfer);
        expect(in, Wire.ACK);
        return received.gigabitsPerSecond();
    }

    private static List<Socket> openDataStreams(Peer follower, long token, MeasurementSettings settings)
            throws IOException {
        List<Socket> streams = new ArrayList<>();
        try {
            for (int i = 0; i < settings.streams(); i++) {
                Socket socket = new Socket();
                streams.add(socket);
                socket.connect(
                        resolved(follower), (int) settings.connectTimeout().toMillis());
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                out.writeInt(Wire.MAGIC);
                out.writeInt(Wire.VERSION);
                out.writeByte(Wire.DATA);
                out.writeLong(token);
                out.flush();
            }
        } catch (IOException e) {
            streams.forEach(Watchdog::closeQuietly);
            throw e;
        }
        return streams;
    }

    /** Connects, retrying while the peer may still be starting, until the peer timeout. */
    private static Socket connect(Peer peer, MeasurementSettings settings, Duration patience) throws PairTestException {
        long deadline = System.nanoTime() + patience.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(resolved(peer), (int) settings.connectTimeout().toMillis());
                return socket;
            } catch (IOException e) {
                last = e;
                Watchdog.closeQuietly(socket);
                sleep(Duration.ofMillis(200));
            }
        }
        throw new PairTestException("peer " + peer.describe() + " unreachable: no connection within "
                + patience.toSeconds() + " s (" + (last == null ? "no attempt" : last.getMessage()) + ")");
    }

    private static InetSocketAddress resolved(Peer peer) {
        InetSocketAddress address = peer.address();
        return address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
    }

    private static void writeSamples(DataOutputStream out, List<Double> bandwidth, Map<Integer, List<Double>> oneWay)
            throws IOException {
        out.writeInt(bandwidth.size());
        for (double value : bandwidth) {
            out.writeDouble(value);
        }
        out.writeInt(oneWay.size());
        for (Map.Entry<Integer, List<Double>> entry : oneWay.entrySet()) {
            out.writeInt(entry.getKey());
            out.writeInt(entry.getValue().size());
            for (double value : entry.getValue()) {
                out.writeDouble(value);
            }
        }
    }

    private static LinkSamples readSamples(DataInputStream in) throws IOException {
        List<Double> bandwidth = new ArrayList<>();
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            bandwidth.add(in.readDouble());
        }
        Map<Integer, List<Double>> oneWay = new HashMap<>();
        int sizes = in.readInt();
        for (int i = 0; i < sizes; i++) {
            int size = in.readInt();
            List<Double> times = new ArrayList<>();
            int n = in.readInt();
            for (int j = 0; j < n; j++) {
                times.add(in.readDouble());
            }
            oneWay.put(size, times);
        }
        return new LinkSamples(bandwidth, oneWay);
    }

    private static void expect(DataInputStream in, byte expected) throws IOException {
        byte actual = in.readByte();
        if (actual != expected) {
            throw new IOException("protocol error: expected message " + (char) expected + " but got " + actual);
        }
    }

    /** Upper bound of one pair test's duration, after which its sockets are closed. */
    private static Duration budget(MeasurementSettings settings) {
        return settings.testDuration()
                .plus(settings.ioTimeout())
                .multipliedBy(2L * settings.repeats())
                .plus(settings.ioTimeout().multipliedBy(2));
    }

    private static PairTestException failure(String peer, String phase, IOException e) {
        if (e instanceof PairTestException known) {
            return new PairTestException("peer " + peer + ": " + known.getMessage());
        }
        String what;
        if (e instanceof EOFException || e instanceof java.net.SocketException) {
            what = "disconnected mid-test";
        } else if (e instanceof SocketTimeoutException) {
            what = "did not answer within the time limit";
        } else {
            what = "test failed";
        }
        return new PairTestException("peer " + peer + " " + what + " during " + phase + " ("
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
