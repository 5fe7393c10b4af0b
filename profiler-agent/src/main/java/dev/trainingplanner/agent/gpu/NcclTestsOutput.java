package dev.trainingplanner.agent.gpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses nccl-tests text output ({@code all_reduce_perf}, {@code sendrecv_perf}, ...) by its header
 * line, because versions differ in columns ({@code root} appeared later, {@code error} became
 * {@code #wrong}; platform-notes.md §7.4). The first {@code time/algbw/busbw} triple is out-of-place,
 * the second in-place.
 */
public record NcclTestsOutput(Integer gpuCount, List<Row> rows, Double averageBusBandwidthGBps) {

    /** One message size: times in microseconds, bandwidths in GB/s (bytes). */
    public record Row(
            long sizeBytes,
            Double outOfPlaceTimeUs,
            Double outOfPlaceAlgBandwidthGBps,
            Double outOfPlaceBusBandwidthGBps,
            Double inPlaceTimeUs,
            Double inPlaceAlgBandwidthGBps,
            Double inPlaceBusBandwidthGBps) {}

    private static final Pattern GPU_COUNT = Pattern.compile("nGpus\\s+(\\d+)");
    private static final Pattern AVERAGE_BUS = Pattern.compile("Avg bus bandwidth\\s*:\\s*([0-9.]+)");

    public static NcclTestsOutput parse(String text) {
        Integer gpuCount = null;
        Double average = null;
        List<String> header = null;
        List<Row> rows = new ArrayList<>();
        for (String line : text.lines().toList()) {
            String trimmed = line.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.startsWith("#")) {
                String content = trimmed.substring(1).trim();
                Matcher count = GPU_COUNT.matcher(content);
                if (gpuCount == null && count.find()) {
                    gpuCount = Integer.valueOf(count.group(1));
                }
                Matcher avg = AVERAGE_BUS.matcher(content);
                if (avg.find()) {
                    average = Double.valueOf(avg.group(1));
                }
                List<String> tokens = Arrays.asList(content.split("\\s+"));
                if (tokens.contains("size") && tokens.contains("busbw")) {
                    header = tokens;
                }
                continue;
            }
            if (header == null) {
                continue;
            }
            List<String> cells = Arrays.asList(trimmed.split("\\s+"));
            if (cells.size() != header.size()) {
                continue;
            }
            rows.add(row(header, cells));
        }
        if (header == null) {
            throw new IllegalArgumentException("nccl-tests output has no header line with size and busbw columns");
        }
        return new NcclTestsOutput(gpuCount, rows, average);
    }

    /** The row of the largest message size, where bandwidth is closest to the link's capacity. */
    public Optional<Row> largestMessage() {
        return rows.stream().max((a, b) -> Long.compare(a.sizeBytes(), b.sizeBytes()));
    }

    private static Row row(List<String> header, List<String> cells) {
        return new Row(
                Long.parseLong(cells.get(header.indexOf("size"))),
                value(header, cells, "time", 0),
                value(header, cells, "algbw", 0),
                value(header, cells, "busbw", 0),
                value(header, cells, "time", 1),
                value(header, cells, "algbw", 1),
                value(header, cells, "busbw", 1));
    }

    private static Double value(List<String> header, List<String> cells, String column, int occurrence) {
        int seen = 0;
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).equals(column) && seen++ == occurrence) {
                try {
                    return Double.valueOf(cells.get(i));
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
