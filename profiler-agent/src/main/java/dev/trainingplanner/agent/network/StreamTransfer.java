package dev.trainingplanner.agent.network;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bulk transfer over several parallel TCP streams. The receiver's count is the measurement: bytes
 * from the first byte on any stream to the last byte on all streams (goodput, like iperf3's
 * receiver figure; platform-notes.md §7.5).
 */
final class StreamTransfer {

    /** Bytes received and the nanoseconds between the first and the last of them. */
    record Transfer(long bytes, long nanos) {
        double gigabitsPerSecond() {
            return nanos <= 0 ? 0 : bytes * 8.0 / nanos;
        }
    }

    private StreamTransfer() {}

    /** Writes on every socket for the duration, then ends each stream and waits for the receiver to close. */
    static void sendFor(List<Socket> sockets, Duration duration, Duration ioTimeout) throws IOException {
        ScheduledFuture<?> watchdog = Watchdog.closeAfter(duration.plus(ioTimeout), sockets);
        try {
            long deadline = System.nanoTime() + duration.toNanos();
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (Socket socket : sockets) {
                writers.add(CompletableFuture.runAsync(
                        () -> {
                            try {
                                write(socket, deadline);
                            } catch (IOException e) {
                                throw new TransferFailure(e);
                            }
                        },
                        Threads.POOL));
            }
            awaitAll(writers);
        } finally {
            watchdog.cancel(false);
            sockets.forEach(Watchdog::closeQuietly);
        }
    }

    /** Starts reading every socket to its end; the future completes with the total. */
    static CompletableFuture<Transfer> receiveAsync(List<Socket> sockets, Duration timeout) {
        AtomicLong first = new AtomicLong(Long.MAX_VALUE);
        AtomicLong last = new AtomicLong(Long.MIN_VALUE);
        AtomicLong total = new AtomicLong();
        List<CompletableFuture<Void>> readers = new ArrayList<>();
        for (Socket socket : sockets) {
            readers.add(CompletableFuture.runAsync(
                    () -> {
                        try {
                            socket.setSoTimeout((int) timeout.toMillis());
                            read(socket.getInputStream(), first, last, total);
                        } catch (IOException e) {
                            throw new TransferFailure(e);
                        } finally {
                            Watchdog.closeQuietly(socket);
                        }
                    },
                    Threads.POOL));
        }
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        awaitAll(readers);
                    } catch (IOException e) {
                        throw new TransferFailure(e);
                    }
                    return new Transfer(total.get(), total.get() == 0 ? 0 : last.get() - first.get());
                },
                Threads.POOL);
    }

    static Transfer await(CompletableFuture<Transfer> transfer) throws IOException {
        try {
            return transfer.get();
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while receiving");
        }
    }

    private static void write(Socket socket, long deadline) throws IOException {
        byte[] buffer = new byte[Wire.BUFFER_BYTES];
        OutputStream out = socket.getOutputStream();
        while (System.nanoTime() < deadline) {
            out.write(buffer);
        }
        out.flush();
        socket.shutdownOutput();
        try {
            while (socket.getInputStream().read(buffer) >= 0) {
                // the receiver closes once it has read everything
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("receiver did not confirm the end of the stream", e);
        }
    }

    private static void read(InputStream in, AtomicLong first, AtomicLong last, AtomicLong total) throws IOException {
        byte[] buffer = new byte[Wire.BUFFER_BYTES];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            long now = System.nanoTime();
            if (n > 0) {
                first.accumulateAndGet(now, Math::min);
                last.accumulateAndGet(now, Math::max);
                total.addAndGet(n);
            }
        }
    }

    private static void awaitAll(List<CompletableFuture<Void>> tasks) throws IOException {
        try {
            CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)).get();
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during transfer");
        }
    }

    private static IOException unwrap(Throwable cause) {
        Throwable current = cause;
        while (current instanceof TransferFailure || current instanceof java.util.concurrent.CompletionException) {
            current = current.getCause();
        }
        return current instanceof IOException io ? io : new IOException(current);
    }

    private static final class TransferFailure extends RuntimeException {
        TransferFailure(IOException cause) {
            super(cause);
        }
    }
}
