package dev.trainingplanner.agent.cli;

import dev.trainingplanner.agent.network.MeasurementSettings;
import dev.trainingplanner.agent.network.PeerDirectory;
import dev.trainingplanner.profile.ProfileNames;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The command line of the agent: {@code run} or {@code once} followed by {@code --option value} pairs. */
public record AgentOptions(
        Mode mode,
        URI planner,
        String token,
        String cluster,
        String node,
        InetSocketAddress listen,
        String peers,
        Path out,
        Path gpusFile,
        String nvidiaSmi,
        Path ncclTestsDir,
        String computeCommand,
        int computeRounds,
        long computePauseMillis,
        double slowThreshold,
        MeasurementSettings measurement,
        Path spool,
        Duration interval,
        long cycles,
        int uploadAttempts,
        Duration uploadBackoff) {

    /** {@code run}: measure, upload, repeat. {@code once}: measure once and write the profile. */
    public enum Mode {
        RUN,
        ONCE
    }

    /** Every option, its argument and its meaning, in the order {@code --help} lists them. */
    static final Map<String, String> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("--cluster NAME", "cluster name in the profile and the upload URL (required)");
        OPTIONS.put("--node NAME", "this node's name in the profile; must match its line in --peers (required)");
        OPTIONS.put("--planner URL", "planner-api base URL, e.g. http://planner:8080 (run: required)");
        OPTIONS.put(
                "--token TOKEN", "agent token sent as 'Authorization: Bearer' (run: required, or env PLANNER_TOKEN)");
        OPTIONS.put("--listen HOST:PORT", "address this agent serves peer tests on (required with --peers)");
        OPTIONS.put("--peers FILE|dns:NAME:PORT", "peers file of 'NAME HOST:PORT' lines, or all A records of NAME");
        OPTIONS.put("--out FILE", "once: write the profile here instead of stdout");
        OPTIONS.put(
                "--gpus-file FILE",
                "declare GPUs instead of running nvidia-smi ('INDEX TYPE [memoryGiB=N] [peakTflops=N]'), and the"
                        + " node's NVLink domain where nvidia-smi -q cannot read the fabric ('nvlinkDomain=ID')");
        OPTIONS.put("--nvidia-smi PATH", "nvidia-smi executable (default: nvidia-smi on the PATH)");
        OPTIONS.put("--nccl-tests-dir DIR", "directory of nccl-tests binaries (default: sendrecv_perf on the PATH)");
        OPTIONS.put("--compute-command CMD", "external benchmark run with sh -c per round; prints seconds per line");
        OPTIONS.put("--compute-rounds N", "compute benchmark rounds, 0 to skip (default 30)");
        OPTIONS.put("--compute-pause-ms N", "pause between compute rounds (default 100)");
        OPTIONS.put("--slow-threshold X", "a round slower than X times the median is slow (default 1.2)");
        OPTIONS.put("--streams N", "parallel TCP streams per bandwidth test (default 4)");
        OPTIONS.put("--test-ms N", "duration of one bandwidth test (default 2000)");
        OPTIONS.put("--repeats N", "bandwidth tests per direction and pair, for p50/p95 (default 5)");
        OPTIONS.put(
                "--message-sizes LIST", "round-trip message sizes in bytes, comma separated (default 64,16384,262144)");
        OPTIONS.put("--round-trips N", "round trips per message size (default 20)");
        OPTIONS.put("--connect-timeout-s N", "timeout of one connection attempt (default 3)");
        OPTIONS.put("--io-timeout-s N", "timeout of every read and of a stalled transfer (default 20)");
        OPTIONS.put("--peer-timeout-s N", "how long to wait for a peer to start or join its test (default 120)");
        OPTIONS.put("--spool DIR", "run: where profiles wait while the planner is unreachable (default ./spool)");
        OPTIONS.put("--interval-s N", "run: cycle length; cycles start at wall-clock multiples of it (default 3600)");
        OPTIONS.put("--cycles N", "run: number of cycles, 0 = until stopped (default 0)");
        OPTIONS.put("--upload-attempts N", "run: attempts per upload before spooling (default 5)");
        OPTIONS.put("--upload-backoff-ms N", "run: first retry delay, doubled each attempt (default 1000)");
        OPTIONS.put("--help", "print this text");
    }

    public static String usage() {
        StringBuilder text = new StringBuilder();
        text.append("usage: java -jar profiler-agent.jar run|once [options]\n");
        text.append("       java -jar profiler-agent.jar merge --cluster NAME [--out FILE] PROFILE.json...\n");
        text.append("  run   measure this node, its GPUs and its links, upload to the planner, repeat\n");
        text.append("  once  measure once and write the profile JSON (--out or stdout), no planner\n");
        text.append("  merge join the profiles of several agents into one cluster profile\n\noptions:\n");
        OPTIONS.forEach((option, meaning) -> text.append(String.format("  %-28s %s%n", option, meaning)));
        text.append("\nexit codes: 0 done, 2 bad arguments, 3 a peer or the compute benchmark could not be measured, ")
                .append("4 the planner rejected a profile\n");
        return text.toString();
    }

    public static AgentOptions parse(List<String> args, Map<String, String> environment) throws UsageException {
        if (args.isEmpty()) {
            throw new UsageException("missing mode: expected 'run', 'once' or 'merge'");
        }
        Mode mode =
                switch (args.get(0)) {
                    case "run" -> Mode.RUN;
                    case "once" -> Mode.ONCE;
                    default -> throw new UsageException(
                            "unknown mode '" + args.get(0) + "': expected 'run', 'once' or 'merge'");
                };
        Map<String, String> values = new HashMap<>();
        List<String> known = new ArrayList<>();
        OPTIONS.keySet().forEach(option -> known.add(option.split(" ")[0]));
        for (int i = 1; i < args.size(); i++) {
            String option = args.get(i);
            if (!known.contains(option) || option.equals("--help")) {
                throw new UsageException("unknown option '" + option + "' (see --help)");
            }
            if (i + 1 >= args.size()) {
                throw new UsageException(option + " needs a value");
            }
            if (values.put(option, args.get(++i)) != null) {
                throw new UsageException(option + " is given twice");
            }
        }
        String cluster = required(values, "--cluster");
        String node = required(values, "--node");
        Optional<String> badName = ProfileNames.clusterNameProblem(cluster, "--cluster")
                .or(() -> ProfileNames.nodeNameProblem(node, "--node"));
        if (badName.isPresent()) {
            throw new UsageException(badName.get());
        }
        String peers = values.get("--peers");
        InetSocketAddress listen = null;
        if (values.containsKey("--listen")) {
            try {
                listen = PeerDirectory.hostPort(values.get("--listen"), "--listen");
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        } else if (peers != null) {
            throw new UsageException("--listen HOST:PORT is required with --peers (peers connect to it)");
        }
        URI planner = null;
        String token = values.getOrDefault("--token", environment.get("PLANNER_TOKEN"));
        if (mode == Mode.RUN) {
            planner = uri(required(values, "--planner"));
            if (token == null || token.isBlank()) {
                throw new UsageException("run needs --token TOKEN (or the environment variable PLANNER_TOKEN)");
            }
        } else if (values.containsKey("--planner")) {
            throw new UsageException("once does not upload: drop --planner or use 'run'");
        }
        List<Integer> sizes = new ArrayList<>();
        for (String size :
                values.getOrDefault("--message-sizes", "64,16384,262144").split(",")) {
            sizes.add((int) positiveLong("--message-sizes", size.trim(), 64L * 1024 * 1024));
        }
        MeasurementSettings measurement = new MeasurementSettings(
                (int) positive(values, "--streams", 4, 64),
                Duration.ofMillis(positive(values, "--test-ms", 2000, 600_000)),
                (int) positive(values, "--repeats", 5, 1000),
                sizes,
                (int) positive(values, "--round-trips", 20, 100_000),
                Duration.ofSeconds(positive(values, "--connect-timeout-s", 3, 3600)),
                Duration.ofSeconds(positive(values, "--io-timeout-s", 20, 3600)),
                Duration.ofSeconds(positive(values, "--peer-timeout-s", 120, 86_400)));
        double slowThreshold = decimal(values, "--slow-threshold", 1.2);
        if (slowThreshold <= 1) {
            throw new UsageException("--slow-threshold must be above 1 (a multiple of the median round time)");
        }
        return new AgentOptions(
                mode,
                planner,
                token,
                cluster,
                node,
                listen,
                peers,
                path(values, "--out"),
                path(values, "--gpus-file"),
                values.getOrDefault("--nvidia-smi", "nvidia-smi"),
                path(values, "--nccl-tests-dir"),
                values.get("--compute-command"),
                (int) nonNegative(values, "--compute-rounds", 30),
                nonNegative(values, "--compute-pause-ms", 100),
                slowThreshold,
                measurement,
                Path.of(values.getOrDefault("--spool", "spool")),
                Duration.ofSeconds(positive(values, "--interval-s", 3600, 30L * 86_400)),
                nonNegative(values, "--cycles", 0),
                (int) positive(values, "--upload-attempts", 5, 100),
                Duration.ofMillis(positive(values, "--upload-backoff-ms", 1000, 3_600_000)));
    }

    private static String required(Map<String, String> values, String option) throws UsageException {
        String value = values.get(option);
        if (value == null || value.isBlank()) {
            throw new UsageException("missing required option " + option);
        }
        return value;
    }

    private static URI uri(String text) throws UsageException {
        try {
            URI uri = new URI(text);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new UsageException("--planner '" + text + "' is not an http(s) URL such as http://planner:8080");
    }

    private static Path path(Map<String, String> values, String option) {
        return values.containsKey(option) ? Path.of(values.get(option)) : null;
    }

    private static long positive(Map<String, String> values, String option, long fallback, long max)
            throws UsageException {
        return values.containsKey(option) ? positiveLong(option, values.get(option), max) : fallback;
    }

    private static long positiveLong(String option, String text, long max) throws UsageException {
        long value = integer(option, text);
        if (value < 1 || value > max) {
            throw new UsageException(option + " must be from 1 to " + max + ", got " + text);
        }
        return value;
    }

    private static long nonNegative(Map<String, String> values, String option, long fallback) throws UsageException {
        if (!values.containsKey(option)) {
            return fallback;
        }
        long value = integer(option, values.get(option));
        if (value < 0) {
            throw new UsageException(option + " must not be negative, got " + values.get(option));
        }
        return value;
    }

    private static long integer(String option, String text) throws UsageException {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " expects a whole number, got '" + text + "'");
        }
    }

    private static double decimal(Map<String, String> values, String option, double fallback) throws UsageException {
        if (!values.containsKey(option)) {
            return fallback;
        }
        try {
            return Double.parseDouble(values.get(option));
        } catch (NumberFormatException e) {
            throw new UsageException(option + " expects a number, got '" + values.get(option) + "'");
        }
    }
}
