package dev.trainingplanner.api.measurement;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.api.problem.ClientMistake;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads one uploaded sample, field by field, so that every mistake is a 400 naming the exact field
 * ({@code samples[3].iterationSeconds}). Times must be positive (a phase may take zero seconds: Megatron reports
 * {@code backward-allreduce: 0.00} when there is nothing to reduce); memory must be a positive whole number of bytes.
 */
final class SampleReader {

    static final int MAX_PHASES = 64;
    static final int MAX_PHASE_NAME = 100;

    private static final Set<String> FIELDS = Set.of(
            "planRevision",
            "step",
            "iterationSeconds",
            "tokensPerSecond",
            "peakMemoryBytesPerRank",
            "phaseSeconds",
            "timestamp");

    private SampleReader() {}

    static MeasuredStep read(JsonNode sample, String prefix) {
        if (sample == null || !sample.isObject()) {
            throw ClientMistake.invalid(
                    prefix.isEmpty() ? null : prefix.substring(0, prefix.length() - 1), "a sample must be an object");
        }
        sample.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                throw ClientMistake.invalid(prefix + name, "unknown field '" + name + "' (fields: " + FIELDS + ")");
            }
        });
        long revision = wholeNumber(sample, prefix, "planRevision");
        if (revision < 1 || revision > Integer.MAX_VALUE) {
            throw ClientMistake.invalid(prefix + "planRevision", "planRevision must be 1 or more, got " + revision);
        }
        long step = wholeNumber(sample, prefix, "step");
        if (step < 0) {
            throw ClientMistake.invalid(prefix + "step", "step must not be negative, got " + step);
        }
        return new MeasuredStep(
                (int) revision,
                step,
                positive(sample, prefix, "iterationSeconds"),
                positive(sample, prefix, "tokensPerSecond"),
                memory(sample.get("peakMemoryBytesPerRank"), prefix + "peakMemoryBytesPerRank"),
                phases(sample.get("phaseSeconds"), prefix + "phaseSeconds"),
                timestamp(sample.get("timestamp"), prefix + "timestamp"));
    }

    private static long wholeNumber(JsonNode sample, String prefix, String name) {
        JsonNode value = sample.get(name);
        if (value == null || value.isNull()) {
            throw ClientMistake.invalid(prefix + name, name + " is required");
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw ClientMistake.invalid(prefix + name, name + " must be a whole number, got " + value);
        }
        return value.longValue();
    }

    private static double positive(JsonNode sample, String prefix, String name) {
        JsonNode value = sample.get(name);
        if (value == null || value.isNull()) {
            throw ClientMistake.invalid(prefix + name, name + " is required");
        }
        if (!value.isNumber() || !Double.isFinite(value.doubleValue()) || value.doubleValue() <= 0) {
            throw ClientMistake.invalid(prefix + name, name + " must be a positive number, got " + value);
        }
        return value.doubleValue();
    }

    /** {@code {"0": bytes, "3": bytes}} or {@code [bytes, null, bytes]} (index = rank, null = not reported). */
    private static SortedMap<Integer, Long> memory(JsonNode value, String field) {
        if (value == null || value.isNull()) {
            return null;
        }
        SortedMap<Integer, Long> byRank = new TreeMap<>();
        if (value.isArray()) {
            for (int rank = 0; rank < value.size(); rank++) {
                if (!value.get(rank).isNull()) {
                    byRank.put(rank, bytes(value.get(rank), field + "[" + rank + "]"));
                }
            }
        } else if (value.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                int rank;
                try {
                    rank = Integer.parseInt(entry.getKey());
                } catch (NumberFormatException e) {
                    rank = -1;
                }
                if (rank < 0) {
                    throw ClientMistake.invalid(
                            field + "." + entry.getKey(),
                            "ranks are whole numbers from 0, got '" + entry.getKey() + "'");
                }
                byRank.put(rank, bytes(entry.getValue(), field + "." + entry.getKey()));
            }
        } else {
            throw ClientMistake.invalid(field, "peakMemoryBytesPerRank must map ranks to bytes (object or array)");
        }
        return byRank.isEmpty() ? null : byRank;
    }

    private static long bytes(JsonNode value, String field) {
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() <= 0) {
            throw ClientMistake.invalid(field, "peak memory must be a positive whole number of bytes, got " + value);
        }
        return value.longValue();
    }

    private static Map<String, Double> phases(JsonNode value, String field) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw ClientMistake.invalid(field, "phaseSeconds must map phase names to seconds");
        }
        if (value.size() > MAX_PHASES) {
            throw ClientMistake.invalid(field, "at most " + MAX_PHASES + " phases, got " + value.size());
        }
        Map<String, Double> phases = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            JsonNode seconds = entry.getValue();
            // PostgreSQL's jsonb cannot hold a NUL, and no framework names a phase with a control character.
            if (name.isBlank() || name.length() > MAX_PHASE_NAME || name.chars().anyMatch(Character::isISOControl)) {
                throw ClientMistake.invalid(
                        field, "phase names are 1-" + MAX_PHASE_NAME + " characters without control characters");
            }
            if (!seconds.isNumber() || !Double.isFinite(seconds.doubleValue()) || seconds.doubleValue() < 0) {
                throw ClientMistake.invalid(
                        field + "." + name, "a phase time must be a number of seconds, 0 or more, got " + seconds);
            }
            phases.put(name, seconds.doubleValue());
        }
        return phases.isEmpty() ? null : phases;
    }

    private static Instant timestamp(JsonNode value, String field) {
        if (value == null || value.isNull()) {
            throw ClientMistake.invalid(field, "timestamp is required");
        }
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw ClientMistake.invalid(
                    field, "timestamp must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, got " + value);
        }
    }
}
