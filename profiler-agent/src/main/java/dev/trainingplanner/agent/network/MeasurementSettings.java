package dev.trainingplanner.agent.network;

import java.time.Duration;
import java.util.List;

/**
 * How each pair is measured: {@code streams} parallel TCP streams for {@code testDuration}, repeated
 * {@code repeats} times per direction; round trips at each of {@code messageSizesBytes}, repeated
 * {@code roundTrips} times; and the time limits of every network operation.
 */
public record MeasurementSettings(
        int streams,
        Duration testDuration,
        int repeats,
        List<Integer> messageSizesBytes,
        int roundTrips,
        Duration connectTimeout,
        Duration ioTimeout,
        Duration peerTimeout) {

    public MeasurementSettings {
        messageSizesBytes = List.copyOf(messageSizesBytes);
        if (streams < 1 || repeats < 1 || roundTrips < 1 || messageSizesBytes.isEmpty()) {
            throw new IllegalArgumentException("streams, repeats and round trips must be at least 1");
        }
    }

    public static MeasurementSettings defaults() {
        return new MeasurementSettings(
                4,
                Duration.ofSeconds(2),
                5,
                List.of(64, 16 * 1024, 256 * 1024),
                20,
                Duration.ofSeconds(3),
                Duration.ofSeconds(20),
                Duration.ofSeconds(120));
    }
}
