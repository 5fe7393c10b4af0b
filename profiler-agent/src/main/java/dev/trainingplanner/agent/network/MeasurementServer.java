package dev.trainingplanner.agent.network;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Serves the agent's {@code --listen} address: accepts control connections of peers that lead a
 * pair test (held until this node reaches that round) and the data streams of running tests.
 */
public final class MeasurementServer implements AutoCloseable {

    /** A peer's opening message: which test it wants to run and who it is. */
    record Hello(int cycle, int round, String leaderName, double leaderComputeSeconds) {}

    /** A control connection waiting for this node to reach its round. */
    record PendingSession(Socket socket, DataInputStream in, DataOutputStream out, Hello hello) {}

    private final ServerSocket serverSocket;
    private final Duration ioTimeout;
    private final Map<String, BlockingQueue<PendingSession>> sessions = new ConcurrentHashMap<>();
    private final Map<Long, BlockingQueue<Socket>> dataStreams = new ConcurrentHashMap<>();
    private final Thread acceptor;

    private MeasurementServer(ServerSocket serverSocket, Duration ioTimeout) {
        this.serverSocket = serverSocket;
        this.ioTimeout = ioTimeout;
        this.acceptor = new Thread(this::acceptLoop, "agent-listen");
        this.acceptor.setDaemon(true);
    }

    public static MeasurementServer start(InetSocketAddress listen, Duration ioTimeout) throws IOException {
        ServerSocket serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        try {
            serverSocket.bind(new InetSocketAddress(listen.getHostString(), listen.getPort()), 128);
        } catch (IOException e) {
            serverSocket.close();
            throw new IOException(
                    "cannot listen on " + listen.getHostString() + ":" + listen.getPort() + ": " + e.getMessage());
        }
        MeasurementServer server = new MeasurementServer(serverSocket, ioTimeout);
        server.acceptor.start();
        return server;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** The control connection of this round's leader, or null if none arrives in time. */
    PendingSession awaitSession(int cycle, int round, Duration timeout) throws InterruptedException {
        return queue(sessions, cycle + ":" + round).poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The data streams a leader opened for one test. */
    List<Socket> awaitDataStreams(long token, int count, Duration timeout) throws IOException {
        BlockingQueue<Socket> queue = queue(dataStreams, token);
        List<Socket> sockets = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (sockets.size() < count) {
                Socket socket = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (socket == null) {
                    sockets.forEach(Watchdog::closeQuietly);
                    throw new PairTestException("only " + sockets.size() + " of " + count
                            + " data streams arrived within " + timeout.toSeconds() + " s");
                }
                sockets.add(socket);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for data streams");
        } finally {
            dataStreams.remove(token);
        }
        return sockets;
    }

    @Override
    public void close() {
        Watchdog.closeQuietly(serverSocket);
        sessions.values().forEach(queue -> queue.forEach(pending -> Watchdog.closeQuietly(pending.socket())));
        dataStreams.values().forEach(queue -> queue.forEach(Watchdog::closeQuietly));
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                Threads.POOL.execute(() -> handshake(socket));
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                // one failed accept (e.g. a reset connection) does not stop the server
            }
        }
    }

    private void handshake(Socket socket) {
        try {
            socket.setSoTimeout((int) ioTimeout.toMillis());
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            if (in.readInt() != Wire.MAGIC || in.readInt() != Wire.VERSION) {
                socket.close();
                return;
            }
            byte kind = in.readByte();
            if (kind == Wire.CONTROL) {
                Hello hello = new Hello(in.readInt(), in.readInt(), in.readUTF(), in.readDouble());
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
                queue(sessions, hello.cycle() + ":" + hello.round()).add(new PendingSession(socket, in, out, hello));
            } else if (kind == Wire.DATA) {
                queue(dataStreams, in.readLong()).add(socket);
            } else {
                socket.close();
            }
        } catch (IOException e) {
            Watchdog.closeQuietly(socket);
        }
    }

    private static <K, V> BlockingQueue<V> queue(Map<K, BlockingQueue<V>> map, K key) {
        return map.computeIfAbsent(key, ignored -> new LinkedBlockingQueue<>());
    }
}
