package dev.trainingplanner.agent.cli;

import dev.trainingplanner.agent.watch.RunShape;
import dev.trainingplanner.agent.watch.TrainingLogFormat;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The command line of {@code watch}: which log to follow, in which format, for which job and plan revision, and where
 * to send the measured steps.
 */
public record WatchOptions(
        Path log,
        TrainingLogFormat format,
        UUID job,
        int revision,
        RunShape shape,
        int logRank,
        String nvidiaSmi,
        Duration gpuMemoryInterval,
        URI planner,
        String token,
        Path spool,
        int batchSamples,
        Duration flushInterval,
        Duration pollInterval,
        Duration stopAfterIdle,
        int uploadAttempts,
        Duration uploadBackoff) {

    /** Every option of {@code watch}, its argument and its meaning, in the order {@code --help} lists them. */
    static final Map<String, String> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("--log FILE", "training log to follow, across appends, rotation and truncation (required)");
        OPTIONS.put("--format NAME", "megatron, deepspeed or torchtitan (required)");
        OPTIONS.put("--job ID", "planner job id the run belongs to (required)");
        OPTIONS.put(
                "--revision N", "plan revision the run uses: its number among the job's completed plans (required)");
        OPTIONS.put("--global-batch N", "sequences per optimizer step, as in the plan (required)");
        OPTIONS.put("--sequence-length N", "tokens per sequence, as in the plan (required)");
        OPTIONS.put("--gpus N", "GPUs of the run, as in the plan (required)");
        OPTIONS.put("--log-rank N", "rank whose log this is; its peak memory is reported for it (default 0)");
        OPTIONS.put(
                "--gpu-memory-interval-s N",
                "poll nvidia-smi for the memory of each rank on this node, 0 = off (default 0)");
        OPTIONS.put("--nvidia-smi PATH", "nvidia-smi executable (default: nvidia-smi on the PATH)");
        OPTIONS.put("--planner URL", "planner-api base URL; without it, samples are printed as JSON lines");
        OPTIONS.put("--token TOKEN", "agent or scheduler token (with --planner: required, or env PLANNER_TOKEN)");
        OPTIONS.put("--spool DIR", "where uploads wait while the planner is unreachable (default ./spool)");
        OPTIONS.put("--batch N", "samples per upload (default 50)");
        OPTIONS.put("--flush-s N", "longest a sample waits for its batch to fill (default 10)");
        OPTIONS.put("--poll-ms N", "how often the log is checked for new lines (default 500)");
        OPTIONS.put(
                "--stop-after-idle-s N",
                "stop once the log has not grown for N s, 0 = follow until stopped (default 0)");
        OPTIONS.put("--upload-attempts N", "attempts per upload before spooling (default 5)");
        OPTIONS.put("--upload-backoff-ms N", "first retry delay, doubled each attempt (default 1000)");
    }

    public static String usage() {
        StringBuilder text = new StringBuilder();
        text.append("usage: java -jar profiler-agent.jar watch [options]\n");
        text.append("  follow a training log and upload each measured step to the planner\n\noptions:\n");
        OPTIONS.forEach((option, meaning) -> text.append(String.format("  %-28s %s%n", option, meaning)));
        return text.toString();
    }

    /** {@code args} are the words after {@code watch}. */
    public static WatchOptions parse(List<String> args, Map<String, String> environment) throws UsageException {
        Map<String, String> values = new HashMap<>();
        List<String> known =
                OPTIONS.keySet().stream().map(option -> option.split(" ")[0]).toList();
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            if (!known.contains(option)) {
                throw new UsageException("unknown watch option '" + option + "' (see watch --help)");
            }
            if (i + 1 >= args.size()) {
                throw new UsageException(option + " needs a value");
            }
            if (values.put(option, args.get(++i)) != null) {
                throw new UsageException(option + " is given twice");
            }
        }
        TrainingLogFormat format;
        try {
            format = TrainingLogFormat.of(AgentOptions.required(values, "--format"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        UUID job;
        try {
            job = UUID.fromString(AgentOptions.required(values, "--job"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(
                    "--job must be a job id such as 3f2c0d9e-...-..., got '" + values.get("--job") + "'");
        }
        URI planner = values.containsKey("--planner") ? AgentOptions.uri(values.get("--planner")) : null;
        String token = values.getOrDefault("--token", environment.get("PLANNER_TOKEN"));
        if (planner != null && (token == null || token.isBlank())) {
            throw new UsageException("--planner needs --token (or env PLANNER_TOKEN)");
        }
        int max = Integer.MAX_VALUE;
        return new WatchOptions(
                Path.of(AgentOptions.required(values, "--log")),
                format,
                job,
                (int) required(values, "--revision", max),
                new RunShape(
                        (int) required(values, "--global-batch", max),
                        (int) required(values, "--sequence-length", max),
                        (int) required(values, "--gpus", max)),
                (int) AgentOptions.nonNegative(values, "--log-rank", 0),
                values.getOrDefault("--nvidia-smi", "nvidia-smi"),
                Duration.ofSeconds(AgentOptions.nonNegative(values, "--gpu-memory-interval-s", 0)),
                planner,
                token,
                Path.of(values.getOrDefault("--spool", "spool")),
                (int) AgentOptions.positive(values, "--batch", 50, 1_000),
                Duration.ofSeconds(AgentOptions.positive(values, "--flush-s", 10, 86_400)),
                Duration.ofMillis(AgentOptions.positive(values, "--poll-ms", 500, 60_000)),
                Duration.ofSeconds(AgentOptions.nonNegative(values, "--stop-after-idle-s", 0)),
                (int) AgentOptions.positive(values, "--upload-attempts", 5, 100),
                Duration.ofMillis(AgentOptions.positive(values, "--upload-backoff-ms", 1000, 3_600_000)));
    }

    private static long required(Map<String, String> values, String option, long max) throws UsageException {
        AgentOptions.required(values, option);
        return AgentOptions.positive(values, option, 0, max);
    }
}
