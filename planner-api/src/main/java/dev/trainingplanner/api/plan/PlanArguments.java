package dev.trainingplanner.api.plan;

import dev.trainingplanner.api.job.PlanningGoal;
import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.engine.plan.CostPerTokenGoal;
import dev.trainingplanner.engine.plan.SearchOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The parsed options of {@code planner plan}; every problem is an {@link IllegalArgumentException} naming the flag.
 * {@code gpus} is the GPU count, or with {@code --objective cost-per-token} the largest count (null = every usable
 * GPU); {@code costPerToken} is null for the iteration-time objective.
 */
record PlanArguments(
        Path cluster,
        String model,
        int globalBatch,
        int sequenceLength,
        Integer gpus,
        Framework framework,
        Set<String> excludedNodes,
        Set<String> excludedGpus,
        SearchOptions options,
        Path out,
        CostPerTokenGoal costPerToken) {

    /** The objective when {@code --objective} is absent. */
    static final String ITERATION_TIME = PlanningGoal.ITERATION_TIME;

    static final String COST_PER_TOKEN = PlanningGoal.COST_PER_TOKEN;

    private static final SearchOptions DEFAULTS = SearchOptions.defaults();

    static final String USAGE = String.join(
            System.lineSeparator(),
            "Usage: java -jar planner.jar plan --cluster CLUSTER.json --model PRESET_OR_FILE --global-batch N",
            "         --seq-len S --gpus N --out PLAN.json [options]",
            "  --framework megatron|deepspeed|fsdp   framework that launches the plan (default "
                    + PlanningGoal.DEFAULT_FRAMEWORK + ")",
            "  --seed N                  random seed of the search (default " + DEFAULTS.seed() + ")",
            "  --objective iteration-time|cost-per-token",
            "                            cost-per-token: the GPU count is free (at most --gpus, default all)",
            "                            and the plan with the fewest GPU-hours per trained token wins",
            "  --max-iteration-seconds S with cost-per-token: only plans whose iteration takes at most S",
            "  --gpu-hour-price P        with cost-per-token: also report the cost per million tokens",
            "  --steps N                 local-search step budget (deterministic; default 60 per node, 1000..6000)",
            "  --time-limit DURATION     wall-clock limit instead, e.g. 30s, 2m, 500ms, PT1M",
            "  --headroom FRACTION       memory left free on every GPU (default " + DEFAULTS.headroomFraction() + ")",
            "  --top K                   plans to report: the best and K-1 alternatives (default " + DEFAULTS.topK()
                    + ")",
            "  --exclude-nodes A,B       nodes to leave out (failed or busy)",
            "  --exclude-gpus N:I,...    GPUs to leave out, as NODE:INDEX",
            "  --zero-stages 0,1,2,3     ZeRO stages allowed (default all the framework supports)",
            "  --ep 8,16                 expert-parallel degrees an MoE plan may use (default any)",
            "  --no-zero-plus-plus       do not propose ZeRO++ (DeepSpeed)",
            "  --tp-across-nodes         allow tensor-parallel groups to span nodes",
            "  --gradient-coding         allow straggler-tolerant gradient coding (needs a reduction that",
            "                            proceeds without the stragglers)",
            "  --ladder-fraction F       largest fraction of layers that may become Ladder Residual layers ("
                    + DEFAULTS.maxLadderFraction() + ")",
            "  --micro-batch MIN..MAX    micro-batch range in sequences (default " + DEFAULTS.minMicroBatch() + ".."
                    + DEFAULTS.maxMicroBatch() + ")",
            "  --precision P             GEMM precision: " + Precision.names() + " (default "
                    + DEFAULTS.precision().externalName() + "; mxfp8 and nvfp4 need a Blackwell GPU)",
            "  --layout-pool N           best layouts (under the default placement) the search chooses among ("
                    + DEFAULTS.layoutPoolSize() + ")",
            "Exit codes: 0 plan written; 1 no feasible plan (the explanation is written); 2 bad arguments or input.");

    static final Set<String> FLAGS = Set.of(
            "--cluster",
            "--model",
            "--global-batch",
            "--seq-len",
            "--gpus",
            "--out",
            "--framework",
            "--seed",
            "--steps",
            "--time-limit",
            "--headroom",
            "--top",
            "--exclude-nodes",
            "--exclude-gpus",
            "--zero-stages",
            "--ep",
            "--ladder-fraction",
            "--micro-batch",
            "--precision",
            "--layout-pool",
            "--objective",
            "--max-iteration-seconds",
            "--gpu-hour-price");
    static final Set<String> SWITCHES = Set.of("--no-zero-plus-plus", "--tp-across-nodes", "--gradient-coding");

    static PlanArguments parse(List<String> args) {
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> switches = new LinkedHashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            if (SWITCHES.contains(flag)) {
                switches.add(flag);
                continue;
            }
            if (!FLAGS.contains(flag)) {
                throw new IllegalArgumentException("unknown option '" + flag + "'");
            }
            if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            if (values.put(flag, args.get(++i)) != null) {
                throw new IllegalArgumentException(flag + " is given twice");
            }
        }
        String objective = values.getOrDefault("--objective", ITERATION_TIME);
        if (!objective.equals(ITERATION_TIME) && !objective.equals(COST_PER_TOKEN)) {
            throw new IllegalArgumentException(
                    "--objective must be iteration-time or cost-per-token, got '" + objective + "'");
        }
        boolean costPerToken = objective.equals(COST_PER_TOKEN);
        List<String> required = costPerToken
                ? List.of("--cluster", "--model", "--global-batch", "--seq-len", "--out")
                : List.of("--cluster", "--model", "--global-batch", "--seq-len", "--gpus", "--out");
        for (String flag : required) {
            if (!values.containsKey(flag)) {
                throw new IllegalArgumentException("missing required option " + flag);
            }
        }
        for (String flag : List.of("--max-iteration-seconds", "--gpu-hour-price")) {
            if (values.containsKey(flag) && !costPerToken) {
                throw new IllegalArgumentException(flag + " needs --objective cost-per-token");
            }
        }
        if (values.containsKey("--steps") && values.containsKey("--time-limit")) {
            throw new IllegalArgumentException("give either --steps or --time-limit, not both");
        }
        SearchOptions defaults = DEFAULTS;
        int[] microBatch = values.containsKey("--micro-batch")
                ? microBatchRange(values.get("--micro-batch"))
                : new int[] {defaults.minMicroBatch(), defaults.maxMicroBatch()};
        double headroom = fraction(values, "--headroom", defaults.headroomFraction(), true);
        SearchOptions options = new SearchOptions(
                values.containsKey("--zero-stages") ? zeroStages(values.get("--zero-stages")) : defaults.zeroStages(),
                !switches.contains("--no-zero-plus-plus"),
                switches.contains("--tp-across-nodes"),
                headroom,
                switches.contains("--gradient-coding"),
                fraction(values, "--ladder-fraction", defaults.maxLadderFraction(), false),
                microBatch[0],
                microBatch[1],
                values.containsKey("--precision") ? precision(values.get("--precision")) : defaults.precision(),
                longValue(values, "--seed", defaults.seed()),
                values.containsKey("--steps") ? positive(values, "--steps") : null,
                values.containsKey("--time-limit") ? duration(values.get("--time-limit")) : null,
                values.containsKey("--top") ? positive(values, "--top") : defaults.topK(),
                values.containsKey("--layout-pool") ? positive(values, "--layout-pool") : defaults.layoutPoolSize());
        if (values.containsKey("--ep")) {
            options = options.withExpertParallelSizes(expertParallelSizes(values.get("--ep")));
        }
        Framework framework;
        try {
            framework = Framework.parse(values.getOrDefault("--framework", PlanningGoal.DEFAULT_FRAMEWORK));
        } catch (InvalidInputException e) {
            throw new IllegalArgumentException("--framework: " + e.getMessage());
        }
        return new PlanArguments(
                Path.of(values.get("--cluster")),
                values.get("--model"),
                positive(values, "--global-batch"),
                positive(values, "--seq-len"),
                values.containsKey("--gpus") ? positive(values, "--gpus") : null,
                framework,
                list(values.get("--exclude-nodes")),
                list(values.get("--exclude-gpus")),
                options,
                Path.of(values.get("--out")),
                costPerToken
                        ? new CostPerTokenGoal(
                                positiveNumber(values, "--max-iteration-seconds", false),
                                positiveNumber(values, "--gpu-hour-price", true))
                        : null);
    }

    private static Double positiveNumber(Map<String, String> values, String flag, boolean zeroAllowed) {
        if (!values.containsKey(flag)) {
            return null;
        }
        double value = number(values, flag, "a number");
        if (!Double.isFinite(value) || value < 0 || value == 0 && !zeroAllowed) {
            throw new IllegalArgumentException(
                    flag + " must be " + (zeroAllowed ? "zero or positive" : "positive") + ", got " + value);
        }
        return value;
    }

    private static int positive(Map<String, String> values, String flag) {
        try {
            int value = Integer.parseInt(values.get(flag).trim());
            if (value < 1) {
                throw new IllegalArgumentException(flag + " must be at least 1, got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a whole number, got '" + values.get(flag) + "'");
        }
    }

    private static long longValue(Map<String, String> values, String flag, long fallback) {
        if (!values.containsKey(flag)) {
            return fallback;
        }
        try {
            return Long.parseLong(values.get(flag).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a whole number, got '" + values.get(flag) + "'");
        }
    }

    private static double fraction(Map<String, String> values, String flag, double fallback, boolean belowOne) {
        if (!values.containsKey(flag)) {
            return fallback;
        }
        double value = number(values, flag, "a number between 0 and 1");
        if (!(value >= 0 && (belowOne ? value < 1 : value <= 1))) {
            throw new IllegalArgumentException(
                    flag + " must be between 0 and " + (belowOne ? "1 (exclusive)" : "1") + ", got " + value);
        }
        return value;
    }

    private static double number(Map<String, String> values, String flag, String expected) {
        try {
            return Double.parseDouble(values.get(flag).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be " + expected + ", got '" + values.get(flag) + "'");
        }
    }

    private static int[] microBatchRange(String text) {
        String[] parts = text.split("\\.\\.", -1);
        try {
            int min = Integer.parseInt(parts[0].trim());
            int max = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : min;
            if (parts.length > 2 || min < 1 || max < min) {
                throw new NumberFormatException();
            }
            return new int[] {min, max};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--micro-batch must be N or MIN..MAX with 1 <= MIN <= MAX, got '" + text + "'");
        }
    }

    private static Set<Integer> zeroStages(String text) {
        Set<Integer> stages = new LinkedHashSet<>();
        for (String part : text.split(",")) {
            try {
                int stage = Integer.parseInt(part.trim());
                if (stage < 0 || stage > 3) {
                    throw new NumberFormatException();
                }
                stages.add(stage);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--zero-stages must list stages 0..3, got '" + text + "'");
            }
        }
        return stages;
    }

    private static Set<Integer> expertParallelSizes(String text) {
        Set<Integer> sizes = new LinkedHashSet<>();
        for (String part : text.split(",")) {
            try {
                int ep = Integer.parseInt(part.trim());
                if (ep < 1 || ep > 4096) {
                    throw new NumberFormatException();
                }
                sizes.add(ep);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--ep must list expert-parallel degrees from 1 to 4096, got '" + text + "'");
            }
        }
        return sizes;
    }

    private static Precision precision(String text) {
        try {
            return Precision.parse(text);
        } catch (InvalidInputException e) {
            throw new IllegalArgumentException("--" + e.getMessage());
        }
    }

    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("pt")) {
                return positiveDuration(Duration.parse(t.toUpperCase(Locale.ROOT)), text);
            }
            if (t.endsWith("ms")) {
                return positiveDuration(Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2))), text);
            }
            long amount = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> positiveDuration(Duration.ofSeconds(amount), text);
                case 'm' -> positiveDuration(Duration.ofMinutes(amount), text);
                case 'h' -> positiveDuration(Duration.ofHours(amount), text);
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException(
                    "--time-limit must look like 30s, 2m, 500ms or PT30S, got '" + text + "'");
        }
    }

    private static Duration positiveDuration(Duration duration, String text) {
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("--time-limit must be positive, got '" + text + "'");
        }
        return duration;
    }

    private static Set<String> list(String text) {
        Set<String> items = new LinkedHashSet<>();
        if (text != null) {
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    items.add(part.trim());
                }
            }
        }
        return items;
    }
}
