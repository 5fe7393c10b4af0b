package dev.trainingplanner.agent.gpu;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code nvidia-smi --query-gpu=... --format=csv[,noheader][,nounits]} by field name, because
 * the tool does not promise a stable column order (platform-notes.md §7.1). {@code [N/A]} and other
 * unsupported markers become absent values.
 */
public final class NvidiaSmiCsv {

    private static final Pattern LEADING_NUMBER = Pattern.compile("^\\s*(-?\\d+(?:\\.\\d+)?)");

    private NvidiaSmiCsv() {}

    /** Rows with a header line: the header names the fields (units in brackets are dropped). */
    public static List<Map<String, String>> parseWithHeader(String text) {
        List<String> lines = nonBlankLines(text);
        if (lines.isEmpty()) {
            return List.of();
        }
        List<String> fields = new ArrayList<>();
        for (String cell : split(lines.get(0))) {
            int bracket = cell.indexOf('[');
            fields.add((bracket >= 0 ? cell.substring(0, bracket) : cell).trim());
        }
        return rows(fields, lines.subList(1, lines.size()));
    }

    /** Rows of {@code noheader} output: the caller passes the fields of its own query, in order. */
    public static List<Map<String, String>> parseWithoutHeader(String text, List<String> fields) {
        return rows(fields, nonBlankLines(text));
    }

    /** The number at the start of a value such as {@code 81920 MiB}; null when absent or unsupported. */
    public static Double number(String value) {
        if (value == null) {
            return null;
        }
        Matcher matcher = LEADING_NUMBER.matcher(value);
        return matcher.find() ? Double.valueOf(matcher.group(1)) : null;
    }

    private static List<Map<String, String>> rows(List<String> fields, List<String> lines) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines) {
            List<String> cells = split(line);
            if (cells.size() != fields.size()) {
                throw new IllegalArgumentException("nvidia-smi row has " + cells.size() + " values but " + fields.size()
                        + " fields were expected: " + line);
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < fields.size(); i++) {
                row.put(fields.get(i), absentIfUnsupported(cells.get(i)));
            }
            rows.add(Collections.unmodifiableMap(row));
        }
        return rows;
    }

    private static String absentIfUnsupported(String cell) {
        String value = cell.trim();
        if (value.isEmpty()
                || value.equals("[N/A]")
                || value.equals("N/A")
                || value.startsWith("[Not Supported")
                || value.startsWith("[Unknown")) {
            return null;
        }
        return value;
    }

    private static List<String> split(String line) {
        List<String> cells = new ArrayList<>();
        for (String cell : line.split(",", -1)) {
            cells.add(cell.trim());
        }
        return cells;
    }

    private static List<String> nonBlankLines(String text) {
        return text.lines().filter(line -> !line.isBlank()).toList();
    }
}
