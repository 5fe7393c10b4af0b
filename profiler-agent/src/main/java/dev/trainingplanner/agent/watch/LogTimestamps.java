package dev.trainingplanner.agent.watch;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time stamp the frameworks put before a line: {@code 2024-04-06 03:02:12} (Megatron-LM) or
 * {@code 2023-07-25 21:03:17,269} (Python logging, used by DeepSpeed and torchtitan). The logs carry no zone; the
 * training machines write local time, which the agent reading the file beside them shares.
 */
final class LogTimestamps {

    private static final Pattern STAMP = Pattern.compile("(\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2})(?:,(\\d{3}))?");

    private LogTimestamps() {}

    static Instant find(String line, ZoneId zone) {
        Matcher stamp = STAMP.matcher(line);
        if (!stamp.find()) {
            return null;
        }
        LocalDateTime time = LocalDateTime.parse(stamp.group(1) + "T" + stamp.group(2));
        if (stamp.group(3) != null) {
            time = time.plusNanos(Integer.parseInt(stamp.group(3)) * 1_000_000L);
        }
        return time.atZone(zone).toInstant();
    }
}
