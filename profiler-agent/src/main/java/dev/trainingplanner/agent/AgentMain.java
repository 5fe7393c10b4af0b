package dev.trainingplanner.agent;

import dev.trainingplanner.agent.cli.AgentOptions;
import dev.trainingplanner.agent.cli.UsageException;
import dev.trainingplanner.agent.cli.WatchOptions;
import dev.trainingplanner.agent.gpu.CommandRunner;
import dev.trainingplanner.agent.network.MeasurementServer;
import dev.trainingplanner.agent.network.PeerDirectory;
import dev.trainingplanner.agent.profile.ProfileMerger;
import dev.trainingplanner.agent.upload.PlannerUploader;
import dev.trainingplanner.agent.upload.Spool;
import dev.trainingplanner.agent.watch.GpuMemorySampler;
import dev.trainingplanner.agent.watch.Watcher;
import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.InvalidProfileException;
import dev.trainingplanner.profile.ProfileJson;
import dev.trainingplanner.profile.ProfileNames;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Entry point of {@code profiler-agent.jar}: {@code run} (measure and upload, repeatedly), {@code once}, {@code merge},
 * or {@code watch} (follow a training log and upload its measured steps).
 */
public final class AgentMain {

    static final int OK = 0;
    static final int BAD_ARGUMENTS = 2;
    static final int PEERS_MISSING = 3;
    static final int REJECTED = 4;

    private AgentMain() {}

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err, System.getenv()));
    }

    static int run(List<String> args, PrintStream out, PrintStream err, Map<String, String> environment) {
        if (!args.isEmpty() && args.get(0).equals("watch")) {
            return watch(args.subList(1, args.size()), out, err, environment);
        }
        if (args.contains("--help") || args.contains("-h")) {
            out.print(AgentOptions.usage());
            return OK;
        }
        if (!args.isEmpty() && args.get(0).equals("merge")) {
            return merge(args.subList(1, args.size()), out, err);
        }
        AgentOptions options;
        PeerDirectory directory = null;
        try {
            options = AgentOptions.parse(args, environment);
            if (options.peers() != null) {
                directory = PeerDirectory.load(
                        options.peers(), options.node(), options.listen(), InetAddress::getAllByName);
            }
        } catch (UsageException | IllegalArgumentException e) {
            err.println("profiler-agent: " + e.getMessage());
            err.println("run 'java -jar profiler-agent.jar --help' for the options");
            return BAD_ARGUMENTS;
        }
        Consumer<String> log = line -> err.println("[profiler-agent " + options.node() + "] " + line);
        MeasurementServer server = null;
        try {
            if (options.listen() != null) {
                server = MeasurementServer.start(
                        options.listen(), options.measurement().ioTimeout());
                log.accept("serving peer tests on " + options.listen().getHostString() + ":" + server.port());
            }
            PeerDirectory firstDirectory = directory;
            Supplier<PeerDirectory> directories = new Supplier<>() {
                private boolean first = true;

                @Override
                public PeerDirectory get() {
                    if (first || options.peers() == null) {
                        first = false;
                        return firstDirectory;
                    }
                    return PeerDirectory.load(
                            options.peers(), options.node(), options.listen(), InetAddress::getAllByName);
                }
            };
            NodeProfiler profiler = new NodeProfiler(options, server, directories, log);
            return options.mode() == AgentOptions.Mode.ONCE
                    ? once(options, profiler, out, log)
                    : loop(options, profiler, log);
        } catch (IOException e) {
            err.println("profiler-agent: " + e.getMessage());
            return BAD_ARGUMENTS;
        } catch (IllegalArgumentException e) {
            err.println("profiler-agent: " + e.getMessage());
            return BAD_ARGUMENTS;
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private static int once(AgentOptions options, NodeProfiler profiler, PrintStream out, Consumer<String> log)
            throws IOException {
        NodeProfiler.Measurement measurement = profiler.measure(0);
        String json = ProfileJson.write(measurement.profile());
        if (options.out() == null) {
            out.println(json);
        } else {
            Path target = options.out().toAbsolutePath();
            if (target.getParent() != null) {
                Files.createDirectories(target.getParent());
            }
            Files.writeString(target, json + System.lineSeparator());
            log.accept("profile written to " + target);
        }
        return report(measurement, log);
    }

    private static int loop(AgentOptions options, NodeProfiler profiler, Consumer<String> log) throws IOException {
        PlannerUploader uploader = new PlannerUploader(
                options.planner(),
                options.token(),
                new Spool(options.spool()),
                options.uploadAttempts(),
                options.uploadBackoff(),
                Duration.ofSeconds(30),
                log);
        boolean rejected = false;
        long intervalMillis = options.interval().toMillis();
        for (long done = 0; options.cycles() == 0 || done < options.cycles(); done++) {
            // Cycles are numbered by wall-clock slot, so agents that started (or restarted) at
            // different times still agree on which cycle a pair test belongs to.
            long slot = System.currentTimeMillis() / intervalMillis;
            NodeProfiler.Measurement measurement = profiler.measure((int) slot);
            report(measurement, log);
            PlannerUploader.Outcome outcome =
                    uploader.upload(options.cluster(), ProfileJson.write(measurement.profile()));
            log.accept("cycle " + slot + " upload: " + outcome.status().name().toLowerCase(Locale.ROOT) + ", "
                    + outcome.detail());
            rejected |= outcome.status() == PlannerUploader.Status.REJECTED;
            if (options.cycles() == 0 || done + 1 < options.cycles()) {
                long nextSlotStart = (System.currentTimeMillis() / intervalMillis + 1) * intervalMillis;
                sleep(Duration.ofMillis(Math.max(0, nextSlotStart - System.currentTimeMillis())));
            }
        }
        return rejected ? REJECTED : OK;
    }

    /**
     * {@code watch ...}: follows a training log and uploads its steps until stopped (or idle, with
     * {@code --stop-after-idle-s}). A stop (SIGTERM) lets the last batch go out or into the spool before the agent exits.
     */
    private static int watch(List<String> args, PrintStream out, PrintStream err, Map<String, String> environment) {
        if (args.contains("--help") || args.contains("-h")) {
            out.print(WatchOptions.usage());
            return OK;
        }
        WatchOptions options;
        try {
            options = WatchOptions.parse(args, environment);
        } catch (UsageException | IllegalArgumentException e) {
            err.println("profiler-agent watch: " + e.getMessage());
            err.println("run 'java -jar profiler-agent.jar watch --help' for the options");
            return BAD_ARGUMENTS;
        }
        Consumer<String> log = line -> err.println("[profiler-agent watch " + options.job() + "] " + line);
        PlannerUploader uploader = options.planner() == null
                ? null
                : new PlannerUploader(
                        options.planner(),
                        options.token(),
                        new Spool(options.spool()),
                        options.uploadAttempts(),
                        options.uploadBackoff(),
                        Duration.ofSeconds(30),
                        log);
        GpuMemorySampler gpuMemory = options.gpuMemoryInterval().isZero()
                ? null
                : new GpuMemorySampler(new CommandRunner(), options.nvidiaSmi(), Path.of("/proc"), log);
        Watcher watcher = new Watcher(options, uploader, gpuMemory, out, log, Clock.systemUTC());
        Thread loop = Thread.currentThread();
        CountDownLatch finished = new CountDownLatch(1);
        Thread stop = new Thread(() -> {
            loop.interrupt();
            try {
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            log.accept("following " + options.log() + " (" + options.format().optionName() + ") for revision "
                    + options.revision());
            return watcher.run() ? OK : REJECTED;
        } catch (IOException e) {
            err.println("profiler-agent watch: " + e.getMessage());
            return BAD_ARGUMENTS;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running: it waited for this loop, which is done now.
            }
        }
    }

    /** {@code merge --cluster NAME [--out FILE] PROFILE.json...}: joins agents' partial profiles. */
    private static int merge(List<String> args, PrintStream out, PrintStream err) {
        String cluster = null;
        Path target = null;
        List<ClusterProfile> parts = new ArrayList<>();
        try {
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (arg.equals("--cluster") || arg.equals("--out")) {
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException(arg + " needs a value");
                    }
                    if (arg.equals("--cluster")) {
                        cluster = args.get(++i);
                    } else {
                        target = Path.of(args.get(++i));
                    }
                } else if (arg.startsWith("--")) {
                    throw new IllegalArgumentException("unknown merge option '" + arg + "' (--cluster, --out)");
                } else {
                    parts.add(readProfile(Path.of(arg)));
                }
            }
            if (cluster == null) {
                throw new IllegalArgumentException("missing required option --cluster");
            }
            ProfileNames.clusterNameProblem(cluster, "--cluster").ifPresent(problem -> {
                throw new IllegalArgumentException(problem);
            });
            String json = ProfileJson.write(ProfileMerger.merge(cluster, parts));
            if (target == null) {
                out.println(json);
            } else {
                Files.writeString(target, json + System.lineSeparator());
            }
            return OK;
        } catch (IllegalArgumentException e) {
            err.println("profiler-agent merge: " + e.getMessage());
            return BAD_ARGUMENTS;
        } catch (IOException e) {
            err.println("profiler-agent merge: cannot write " + target + ": " + e.getMessage());
            return BAD_ARGUMENTS;
        }
    }

    private static ClusterProfile readProfile(Path file) {
        try {
            return ProfileJson.parse(Files.readString(file));
        } catch (IOException | InvalidProfileException e) {
            throw new IllegalArgumentException(file + " is not a readable profile: " + e.getMessage());
        }
    }

    private static int report(NodeProfiler.Measurement measurement, Consumer<String> log) {
        measurement.problems().forEach(problem -> log.accept("not measured: " + problem));
        return measurement.problems().isEmpty() ? OK : PEERS_MISSING;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
