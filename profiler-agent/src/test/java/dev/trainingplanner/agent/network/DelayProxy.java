package dev.trainingplanner.agent.network;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A user-space TCP relay that holds every chunk for a fixed delay before forwarding it: latency
 * emulation where netem is not available (platform-notes.md §7.6).
 */
final class DelayProxy implements AutoCloseable {

    private record Chunk(byte[] bytes, long dueNanos) {}

    private static final Chunk END = new Chunk(new byte[0], 0);

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final long delayNanos;

    DelayProxy(InetSocketAddress target, long delayMicros) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        this.target = target;
        this.delayNanos = delayMicros * 1000;
        Thread acceptor = new Thread(this::accept, "delay-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                relay(client, upstream);
                relay(upstream, client);
            } catch (IOException e) {
                return;
            }
        }
    }

    /** One direction: a reader stamps chunks with their due time, a writer sends them when due. */
    private void relay(Socket from, Socket to) throws IOException {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        daemon(() -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    queue.add(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + delayNanos));
                }
            } catch (IOException e) {
                // the connection ended; the writer forwards what arrived and closes
            }
            queue.add(END);
        });
        daemon(() -> {
            try {
                for (Chunk chunk = queue.take(); chunk != END; chunk = queue.take()) {
                    long wait = chunk.dueNanos() - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    out.write(chunk.bytes());
                    out.flush();
                }
                to.shutdownOutput();
            } catch (IOException | InterruptedException e) {
                closeQuietly(to);
                closeQuietly(from);
            }
        });
    }

    private static void daemon(Runnable task) {
        Thread thread = new Thread(task, "delay-proxy-relay");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
