package dev.trainingplanner.api.profile;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Bounds concurrent profile reads, which grow with the cluster (a 100,000-node profile is about 125 MB as JSON and its
 * summary reads 100,000 rows): at most {@code planner.profiles.concurrent-reads} run at once per replica; the others
 * wait up to {@code planner.profiles.read-wait} and are then answered 503 with {@code Retry-After}, so many readers of
 * one huge cluster cannot exhaust the heap or the database pool.
 */
@Component
class ProfileReads {

    private final Semaphore running;
    private final Duration wait;

    ProfileReads(
            @Value("${planner.profiles.concurrent-reads:4}") int concurrentReads,
            @Value("${planner.profiles.read-wait:PT30S}") Duration wait) {
        this.running = new Semaphore(concurrentReads, true);
        this.wait = wait;
    }

    <T> T read(Supplier<T> read) {
        boolean admitted;
        try {
            admitted = running.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy();
        }
        if (!admitted) {
            throw new Busy();
        }
        try {
            return read.get();
        } finally {
            running.release();
        }
    }

    /** Every read slot stayed taken for the whole wait. */
    static final class Busy extends RuntimeException {
        Busy() {
            super("too many profile reads are running; retry in a few seconds", null, false, false);
        }
    }
}
