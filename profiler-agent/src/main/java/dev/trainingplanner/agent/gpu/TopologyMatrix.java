package dev.trainingplanner.agent.gpu;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The GPU-to-GPU cells of {@code nvidia-smi topo -m} ({@code X}, {@code NV#}, {@code PIX},
 * {@code PXB}, {@code PHB}, {@code NODE}, {@code SYS}). The output is tab separated with a header row
 * that starts with a tab (platform-notes.md §7.2); columns are located by their header name so NIC and
 * affinity columns, in whatever order, are ignored. Parsing stops at the legend.
 */
public final class TopologyMatrix {

    private static final Pattern GPU_LABEL = Pattern.compile("GPU\\d+");

    private final Map<String, Map<String, String>> cellsByRowThenColumn;

    private TopologyMatrix(Map<String, Map<String, String>> cellsByRowThenColumn) {
        this.cellsByRowThenColumn = cellsByRowThenColumn;
    }

    public static TopologyMatrix parse(String text) {
        List<String> header = null;
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (String line : text.lines().toList()) {
            String trimmed = line.trim();
            if (trimmed.startsWith("Legend") || trimmed.startsWith("NIC Legend")) {
                break;
            }
            if (trimmed.isEmpty()) {
                continue;
            }
            List<String> cells = cells(line);
            if (header == null) {
                if (cells.stream().anyMatch(cell -> GPU_LABEL.matcher(cell).matches())) {
                    header = cells.get(0).isEmpty() ? cells.subList(1, cells.size()) : cells;
                }
                continue;
            }
            String label = cells.get(0);
            if (!GPU_LABEL.matcher(label).matches()) {
                continue;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int column = 0; column < header.size() && column + 1 < cells.size(); column++) {
                row.put(header.get(column), cells.get(column + 1));
            }
            rows.put(label, row);
        }
        if (header == null) {
            throw new IllegalArgumentException("nvidia-smi topo -m output has no header row naming GPU columns");
        }
        return new TopologyMatrix(rows);
    }

    /** The cell from one GPU's row to another GPU's column, if the output has it. */
    public Optional<String> cell(int fromGpu, int toGpu) {
        Map<String, String> row = cellsByRowThenColumn.get("GPU" + fromGpu);
        return row == null ? Optional.empty() : Optional.ofNullable(row.get("GPU" + toGpu));
    }

    /** The full GPU-by-GPU matrix for GPUs 0..count-1, or empty when any cell is missing. */
    public Optional<List<List<String>>> gpuMatrix(int gpuCount) {
        List<List<String>> matrix = new ArrayList<>();
        for (int from = 0; from < gpuCount; from++) {
            List<String> row = new ArrayList<>();
            for (int to = 0; to < gpuCount; to++) {
                Optional<String> cell = cell(from, to);
                if (cell.isEmpty()) {
                    return Optional.empty();
                }
                row.add(cell.get());
            }
            matrix.add(row);
        }
        return Optional.of(matrix);
    }

    // Real output is tab separated; copies in issues and docs often turn tabs into runs of spaces,
    // which only the leading GPU columns survive unambiguously.
    private static List<String> cells(String line) {
        List<String> cells = new ArrayList<>();
        if (line.indexOf('\t') >= 0) {
            for (String cell : line.split("\t", -1)) {
                cells.add(cell.trim());
            }
        } else {
            if (Character.isWhitespace(line.charAt(0))) {
                cells.add("");
            }
            for (String cell : line.trim().split("\\s+")) {
                cells.add(cell);
            }
        }
        return cells;
    }
}
