package dev.trainingplanner.agent.network;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes sockets that outlive their deadline. Socket reads have timeouts, but blocking writes do
 * not: a peer that stops reading would otherwise hang the writer forever.
 */
final class Watchdog {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "agent-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private Watchdog() {}

    static ScheduledFuture<?> closeAfter(Duration delay, List<? extends Closeable> resources) {
        return TIMER.schedule(() -> resources.forEach(Watchdog::closeQuietly), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    static void closeQuietly(Closeable resource) {
        try {
            resource.close();
        } catch (IOException e) {
            // already broken: nothing left to release
        }
    }
}
