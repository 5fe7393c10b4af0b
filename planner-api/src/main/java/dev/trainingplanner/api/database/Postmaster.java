package dev.trainingplanner.api.database;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server process (postmaster) of a data folder, found through its {@code postmaster.pid}. A server left
 * running by a service that was killed (kill -9, OOM killer) makes a new start fail with "lock file postmaster.pid
 * already exists"; it is stopped only when it is certainly ours: the pid file names this data folder and the process
 * with that PID is a {@code postgres} whose command line names this data folder too.
 */
final class Postmaster {

    private static final Logger log = LoggerFactory.getLogger(Postmaster.class);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(30);

    private Postmaster() {}

    /**
     * Stops a server left running on {@code dataDirectory} before this service starts its own; returns whether there
     * was one.
     */
    static boolean stopOrphan(Path dataDirectory) {
        Optional<ProcessHandle> orphan = find(dataDirectory);
        if (orphan.isEmpty()) {
            return false;
        }
        ProcessHandle process = orphan.get();
        log.warn(
                "An embedded PostgreSQL (pid {}) from an earlier run still serves {}; stopping it before starting anew",
                process.pid(),
                dataDirectory);
        // SIGTERM is PostgreSQL's "smart" shutdown: the dead service's connections are gone, so it completes and
        // writes a clean checkpoint; a server that does not stop in time is killed, and recovery replays its WAL.
        process.destroy();
        try {
            process.onExit().get(SHUTDOWN_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while stopping the orphaned PostgreSQL " + process.pid(), e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("The orphaned PostgreSQL {} did not stop within {}; killing it", process.pid(), SHUTDOWN_WAIT);
            process.destroyForcibly();
            process.onExit().join();
        }
        return true;
    }

    /** The live postmaster that {@code postmaster.pid} of this data folder names, when it certainly serves it. */
    static Optional<ProcessHandle> find(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.size() < 2 || !samePath(Path.of(lines.get(1).trim()), dataDirectory)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).trim());
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> servesDataDirectory(p, dataDirectory));
        } catch (IOException | NumberFormatException e) {
            log.warn("Cannot read {} ({}); leaving it to PostgreSQL", pidFile, e.toString());
            return Optional.empty();
        }
    }

    /** The process is a postgres server started on this data folder (its command line, NUL-separated in /proc). */
    private static boolean servesDataDirectory(ProcessHandle process, Path dataDirectory) {
        try {
            String commandLine =
                    Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"), StandardCharsets.UTF_8);
            List<String> arguments = List.of(commandLine.split("\0"));
            boolean postgres = !arguments.isEmpty()
                    && Path.of(arguments.get(0)).getFileName().toString().startsWith("postgres");
            return postgres && arguments.stream().anyMatch(argument -> samePath(Path.of(argument), dataDirectory));
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    private static boolean samePath(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
}
