package dev.trainingplanner.agent;

import dev.trainingplanner.agent.cli.AgentOptions;
import dev.trainingplanner.agent.compute.ComputeBenchmark;
import dev.trainingplanner.agent.compute.CpuMatrixBenchmark;
import dev.trainingplanner.agent.compute.ExternalComputeCommand;
import dev.trainingplanner.agent.compute.StragglerEvidence;
import dev.trainingplanner.agent.compute.StragglerStatistics;
import dev.trainingplanner.agent.gpu.CommandRunner;
import dev.trainingplanner.agent.gpu.DeclaredGpusFile;
import dev.trainingplanner.agent.gpu.GpuInventory;
import dev.trainingplanner.agent.gpu.GpuInventoryProbe;
import dev.trainingplanner.agent.gpu.NcclPairBandwidthProbe;
import dev.trainingplanner.agent.gpu.NvidiaSmiFabric;
import dev.trainingplanner.agent.gpu.NvidiaSmiProbe;
import dev.trainingplanner.agent.network.MeasurementServer;
import dev.trainingplanner.agent.network.NetworkMeasurement;
import dev.trainingplanner.agent.network.PeerDirectory;
import dev.trainingplanner.agent.profile.ProfileMerger;
import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ClusterProfile.ComputeStatistics;
import dev.trainingplanner.profile.ClusterProfile.LinkProfile;
import dev.trainingplanner.profile.ClusterProfile.NodeProfile;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One measurement cycle of this node: GPU inventory, compute rounds, then its part of the pair
 * schedule, assembled into a partial cluster profile holding this node and the links from it.
 */
final class NodeProfiler {

    /** The profile and what could not be measured (unreachable peers, failed benchmark). */
    record Measurement(ClusterProfile profile, List<String> problems) {}

    private final AgentOptions options;
    private final MeasurementServer server;
    private final Supplier<PeerDirectory> directories;
    private final Consumer<String> log;
    private final CommandRunner runner = new CommandRunner();

    /**
     * {@code directories} gives the participants of each cycle; DNS peers are looked up again every
     * cycle so that nodes added to the Service take part.
     */
    NodeProfiler(
            AgentOptions options, MeasurementServer server, Supplier<PeerDirectory> directories, Consumer<String> log) {
        this.options = options;
        this.server = server;
        this.directories = directories;
        this.log = log;
    }

    Measurement measure(int cycle) {
        List<String> problems = new ArrayList<>();
        GpuInventory gpus = gpuProbe().probe();
        gpus.notes().forEach(log);
        if (gpus.gpus().isEmpty()) {
            throw new IllegalArgumentException("no GPUs found on node " + options.node() + " ("
                    + String.join("; ", gpus.notes()) + "): " + ProfileMerger.NO_GPUS_FIX);
        }
        log.accept(gpus.gpus().size() + " GPU(s): "
                + gpus.gpus().stream().map(gpu -> gpu.type()).toList());

        ComputeRounds rounds = computeRounds(problems);
        double computeSeconds =
                rounds == null ? Double.NaN : rounds.statistics().medianSeconds();

        List<LinkProfile> links = List.of();
        double fastestSeconds = computeSeconds;
        PeerDirectory directory = null;
        try {
            directory = directories.get();
        } catch (IllegalArgumentException e) {
            problems.add("peers: " + e.getMessage());
        }
        if (directory != null && directory.participants().size() > 1) {
            NetworkMeasurement.Result network = new NetworkMeasurement(server, options.measurement(), log)
                    .measure(directory, options.node(), computeSeconds, cycle);
            links = network.links();
            problems.addAll(network.problems());
            for (double peerSeconds : network.peerComputeSeconds().values()) {
                fastestSeconds = Math.min(fastestSeconds, peerSeconds);
            }
        }
        ComputeStatistics compute = null;
        if (rounds != null) {
            // Relative to the fastest node this one exchanged medians with (itself when alone).
            compute = rounds.upload(round4(fastestSeconds / computeSeconds));
        }
        String now = Instant.now().toString();
        NodeProfile node =
                new NodeProfile(options.node(), gpus.gpus(), gpus.intraNode(), compute, now, nvlinkDomain(gpus));
        return new Measurement(new ClusterProfile(options.cluster(), now, List.of(node), links, null), problems);
    }

    /**
     * The node's NVLink domain: read from {@code nvidia-smi -q}'s Fabric section, also where {@code --gpus-file}
     * declares the GPUs (the fabric is read where the tool runs), with the file's {@code nvlinkDomain=} as the fallback.
     */
    private String nvlinkDomain(GpuInventory gpus) {
        List<String> notes = new ArrayList<>();
        String domain = NvidiaSmiFabric.choose(
                NvidiaSmiFabric.read(runner, options.nvidiaSmi()), gpus.declaredNvlinkDomain(), notes);
        notes.forEach(log);
        return domain;
    }

    private GpuInventoryProbe gpuProbe() {
        if (options.gpusFile() != null) {
            return new DeclaredGpusFile(options.gpusFile());
        }
        NcclPairBandwidthProbe nccl =
                NcclPairBandwidthProbe.find(runner, options.ncclTestsDir()).orElse(null);
        return new NvidiaSmiProbe(runner, options.nvidiaSmi(), nccl);
    }

    /**
     * The compute rounds of one cycle and what they may claim: only a GPU compute probe ({@code --compute-command})
     * measures what slows a training step, so only its rounds carry straggler statistics, and only when they are
     * evidence of a straggler ({@link StragglerEvidence}). The built-in CPU benchmark measures host noise: it gives the
     * node's relative speed and no straggler statistics.
     */
    private record ComputeRounds(StragglerStatistics statistics, int count, boolean gpuProbe) {

        ComputeStatistics upload(double relativeSpeed) {
            if (!gpuProbe) {
                return new ComputeStatistics(relativeSpeed, null, null, ComputeStatistics.CPU_BENCHMARK);
            }
            if (!StragglerEvidence.enoughRounds(count)) {
                return new ComputeStatistics(relativeSpeed, null, null, ComputeStatistics.GPU_COMMAND);
            }
            if (!StragglerEvidence.significant(slowRounds(), count)) {
                return new ComputeStatistics(relativeSpeed, 0.0, 1.0, ComputeStatistics.GPU_COMMAND);
            }
            return new ComputeStatistics(
                    relativeSpeed,
                    round4(statistics.slowProbability()),
                    round4(statistics.slowdown()),
                    ComputeStatistics.GPU_COMMAND);
        }

        int slowRounds() {
            return (int) Math.round(statistics.slowProbability() * count);
        }

        /** Why the upload carries no straggler statistics, or none when it does. */
        String withoutStragglers() {
            if (!gpuProbe) {
                return "no GPU compute probe (--compute-command): the built-in CPU benchmark measures host noise, so"
                        + " no straggler statistics are uploaded (compute.source " + ComputeStatistics.CPU_BENCHMARK
                        + ")";
            }
            if (!StragglerEvidence.enoughRounds(count)) {
                return count + " compute rounds are fewer than the " + StragglerEvidence.MIN_ROUNDS
                        + " needed to judge stragglers: no straggler statistics are uploaded";
            }
            if (!StragglerEvidence.significant(slowRounds(), count)) {
                return slowRounds() + " slow rounds of " + count + " are within a healthy GPU's jitter: not a"
                        + " straggler (slow probability 0 uploaded)";
            }
            return null;
        }
    }

    private static double round4(double value) {
        return Math.round(value * 10000.0) / 10000.0;
    }

    private ComputeRounds computeRounds(List<String> problems) {
        if (options.computeRounds() == 0) {
            return null;
        }
        boolean gpuProbe = options.computeCommand() != null;
        ComputeBenchmark benchmark = gpuProbe
                ? new ExternalComputeCommand(runner, options.computeCommand(), Duration.ofMinutes(10))
                : new CpuMatrixBenchmark();
        try {
            List<Double> seconds = benchmark.roundSeconds(options.computeRounds(), options.computePauseMillis());
            StragglerStatistics statistics = StragglerStatistics.of(seconds, options.slowThreshold());
            log.accept(String.format(
                    Locale.ROOT,
                    "%s: median %.6f s per round, %d rounds, slow probability %.3f, slowdown %.3f",
                    benchmark.describe(),
                    statistics.medianSeconds(),
                    seconds.size(),
                    statistics.slowProbability(),
                    statistics.slowdown()));
            ComputeRounds rounds = new ComputeRounds(statistics, seconds.size(), gpuProbe);
            String without = rounds.withoutStragglers();
            if (without != null) {
                log.accept(without);
            }
            return rounds;
        } catch (IOException e) {
            problems.add("compute benchmark failed: " + e.getMessage());
            log.accept("compute benchmark failed: " + e.getMessage());
            return null;
        }
    }
}
