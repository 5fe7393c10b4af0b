package dev.trainingplanner.costmodel.batch;

import dev.trainingplanner.costmodel.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small RFC 4180 CSV reader and writer (quoted fields, doubled quotes, embedded commas and newlines). */
public final class CsvTable {

    private final List<String> header;
    private final List<Map<String, String>> rows;

    private CsvTable(List<String> header, List<Map<String, String>> rows) {
        this.header = header;
        this.rows = rows;
    }

    public List<String> header() {
        return header;
    }

    /** Rows as column → value maps (missing trailing cells read as empty). */
    public List<Map<String, String>> rows() {
        return rows;
    }

    public static CsvTable parse(String text) {
        List<List<String>> records = records(text);
        if (records.isEmpty() || records.get(0).stream().allMatch(String::isBlank)) {
            throw new InvalidInputException("CSV has no header row");
        }
        List<String> header = new ArrayList<>();
        for (String name : records.get(0)) {
            header.add(name.trim().replace("\uFEFF", ""));
        }
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 1; i < records.size(); i++) {
            List<String> record = records.get(i);
            if (record.size() == 1 && record.get(0).isBlank()) {
                continue;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                row.put(header.get(c), c < record.size() ? record.get(c).trim() : "");
            }
            rows.add(row);
        }
        return new CsvTable(List.copyOf(header), List.copyOf(rows));
    }

    private static List<List<String>> records(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < n && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
            } else {
                field.append(ch);
            }
            i++;
        }
        if (quoted) {
            throw new InvalidInputException("CSV ends inside a quoted field");
        }
        if (field.length() > 0 || !record.isEmpty()) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }

    /** One CSV line (without the line break), quoting fields that need it. */
    public static String line(List<String> fields) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            String f = fields.get(i) == null ? "" : fields.get(i);
            if (f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) {
                out.append('"').append(f.replace("\"", "\"\"")).append('"');
            } else {
                out.append(f);
            }
        }
        return out.toString();
    }
}
