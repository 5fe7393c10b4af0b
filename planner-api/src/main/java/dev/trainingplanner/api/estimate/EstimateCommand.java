package dev.trainingplanner.api.estimate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.api.cli.CliCommand;
import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.batch.BatchEstimator;
import dev.trainingplanner.costmodel.batch.CaseInputs;
import dev.trainingplanner.costmodel.batch.CaseRows;
import dev.trainingplanner.costmodel.batch.CsvTable;
import dev.trainingplanner.costmodel.estimate.CostModel;
import dev.trainingplanner.costmodel.estimate.Estimate;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.model.ModelSpecJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code planner estimate}: predictions of the cost models without the web server or a database.
 *
 * <ul>
 *   <li>{@code estimate --batch IN.csv --out OUT.csv}: one prediction row per input row (input columns of {@code
 *       cases.csv});
 *   <li>{@code estimate --model llama3-8b --gpu H100-80GB --num_gpus 64 --tp 4 ...}: one case from flags named like
 *       the CSV columns, printed as a readable breakdown;
 *   <li>{@code estimate --json CASE.json}: the same case as a JSON object with the CSV column names.
 * </ul>
 */
public final class EstimateCommand implements CliCommand {

    private static final int USAGE_ERROR = 2;

    @Override
    public String name() {
        return "estimate";
    }

    @Override
    public String summary() {
        return "predict iteration time and memory: --batch IN.csv --out OUT.csv, or one case from flags / --json";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        Map<String, String> options;
        try {
            options = parseOptions(args);
        } catch (InvalidInputException e) {
            err.println("estimate: " + e.getMessage());
            err.println(usage());
            return USAGE_ERROR;
        }
        if (options.containsKey("help")) {
            out.println(usage());
            return 0;
        }
        try {
            if (options.containsKey("batch")) {
                return runBatch(options, out, err);
            }
            return runSingle(options, out, err);
        } catch (InvalidInputException e) {
            err.println("estimate: " + e.getMessage());
            return USAGE_ERROR;
        }
    }

    private int runBatch(Map<String, String> options, PrintStream out, PrintStream err) {
        String in = options.get("batch");
        String outFile = options.get("out");
        if (outFile == null || outFile.isBlank()) {
            throw new InvalidInputException("--batch needs --out OUT.csv");
        }
        String text;
        try {
            text = Files.readString(Path.of(in), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("cannot read input file '" + in + "': " + e.getMessage());
        }
        CsvTable table = CsvTable.parse(text);
        BatchEstimator.requireColumns(table.header());
        List<BatchEstimator.Result> results = new BatchEstimator(new CostModel()).estimateAll(table);
        List<String> lines = new ArrayList<>();
        lines.add(CsvTable.line(BatchEstimator.OUTPUT_COLUMNS));
        int failed = 0;
        for (BatchEstimator.Result result : results) {
            lines.add(CsvTable.line(result.cells()));
            if (result.error() != null) {
                failed++;
            }
        }
        try {
            Files.write(Path.of(outFile), lines, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("cannot write output file '" + outFile + "': " + e.getMessage());
        }
        out.printf(
                Locale.ROOT,
                "estimated %d of %d rows into %s%s%n",
                results.size() - failed,
                results.size(),
                outFile,
                failed > 0 ? " (" + failed + " rows have their reason in the error column)" : "");
        return 0;
    }

    private int runSingle(Map<String, String> options, PrintStream out, PrintStream err) {
        Map<String, String> row = new LinkedHashMap<>();
        if (options.containsKey("json")) {
            row.putAll(readJsonCase(options.get("json")));
        }
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (!e.getKey().equals("json")
                    && !e.getKey().equals("model")
                    && !e.getKey().equals("headroom")) {
                row.put(e.getKey(), e.getValue());
            }
        }
        String modelName = options.getOrDefault("model", row.get("model"));
        if (options.containsKey("model_json")) {
            applyPreset(row, ModelSpecJson.read(Path.of(options.get("model_json"))));
        } else if (modelName != null && !row.containsKey("layers")) {
            applyPreset(row, ModelPresets.byName(modelName));
        }
        if (row.isEmpty() || !row.containsKey("gpu")) {
            throw new InvalidInputException("give --batch IN.csv --out OUT.csv, or a case with at least --model (or the"
                    + " architecture columns) and --gpu");
        }
        row.putIfAbsent("case_id", "case");
        double headroom = parseHeadroom(options.get("headroom"));
        CaseInputs inputs = CaseRows.parse(row);
        Estimate estimate = new CostModel()
                .estimate(inputs.model(), inputs.training(), inputs.cluster(), inputs.layout(), inputs.placement());
        out.print(EstimateReport.render(inputs, estimate, headroom));
        return 0;
    }

    private static void applyPreset(Map<String, String> row, ModelSpec model) {
        row.put("model", model.name());
        row.put("layers", Integer.toString(model.layers()));
        row.put("hidden", Integer.toString(model.hiddenSize()));
        row.put("ffn_hidden", Integer.toString(model.ffnHiddenSize()));
        row.put("heads", Integer.toString(model.attentionHeads()));
        row.put("kv_heads", Integer.toString(model.kvHeads()));
        row.put("vocab", Integer.toString(model.vocabularySize()));
        row.putIfAbsent("seq_len", Integer.toString(model.sequenceLength()));
        row.put("mlp", model.mlp().name().toLowerCase(Locale.ROOT));
        row.putIfAbsent("flash_attn", model.flashAttention() ? "1" : "0");
    }

    private static Map<String, String> readJsonCase(String file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(Path.of(file), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("cannot read case JSON '" + file + "': " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInputException("case JSON '" + file + "' must be an object with the CSV column names");
        }
        Map<String, String> row = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            row.put(
                    field.getKey(),
                    value.isNull() ? "" : value.isBoolean() ? (value.asBoolean() ? "1" : "0") : value.asText());
        }
        return row;
    }

    private static double parseHeadroom(String text) {
        if (text == null) {
            return 0;
        }
        try {
            double value = Double.parseDouble(text);
            if (!(value >= 0 && value < 1)) {
                throw new InvalidInputException("--headroom must be a fraction in [0, 1), got " + text);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidInputException("--headroom must be a number, got '" + text + "'");
        }
    }

    /** {@code --name value} pairs; names are the CSV column names ({@code -} and {@code _} both accepted). */
    static Map<String, String> parseOptions(List<String> args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                options.put("help", "");
                continue;
            }
            if (!arg.startsWith("--") || arg.length() < 3) {
                throw new InvalidInputException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else {
                if (i + 1 >= args.size()) {
                    throw new InvalidInputException("option --" + name + " needs a value");
                }
                value = args.get(++i);
            }
            options.put(canonical(name), value);
        }
        return options;
    }

    private static String canonical(String flag) {
        String name = flag.replace('-', '_');
        for (String column : CaseRows.INPUT_COLUMNS) {
            if (column.equalsIgnoreCase(name)) {
                return column;
            }
        }
        return switch (name) {
            case "batch", "out", "json", "model", "model_json", "headroom" -> name;
            case "gpus" -> "num_gpus";
            case "micro_batch_size", "mbs" -> "micro_batch";
            case "global_batch_size", "gbs" -> "global_batch";
            default -> throw new InvalidInputException("unknown option --" + flag + "; options are --batch, --out,"
                    + " --json, --model, --model-json, --headroom and the input columns " + CaseRows.INPUT_COLUMNS);
        };
    }

    static String usage() {
        return String.join(
                System.lineSeparator(),
                "Usage: java -jar planner.jar estimate --batch IN.csv --out OUT.csv",
                "       java -jar planner.jar estimate --model PRESET --gpu GPU [--num_gpus N] [--tp T] [--pp P]"
                        + " [--cp C] [--vpp V] [--global_batch B] [--micro_batch b] [--precision bf16] ... [--headroom"
                        + " 0.05]",
                "       java -jar planner.jar estimate --model-json MODEL.json --gpu GPU ... (custom model, ModelSpec"
                        + " field names)",
                "       java -jar planner.jar estimate --json CASE.json",
                "Options are the input columns of cases.csv (case_id .. nvlink_domain). Presets: "
                        + ModelPresets.names(),
                "Defaults for blank fields:",
                "  " + CaseRows.DEFAULTS.replace("\n", System.lineSeparator() + "  "));
    }
}
