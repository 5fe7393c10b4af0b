package dev.trainingplanner.agent.profile;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One GPU. {@code type} is a catalog name where the model is known, otherwise the name the driver
 * reports; {@code source} is {@code measured} or {@code declared} (operator's {@code --gpus-file}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GpuProfile(
        int index,
        String type,
        Long memoryBytes,
        Long memoryUsedBytes,
        Double relativeSpeed,
        Double peakTflops,
        String source) {

    public static final String MEASURED = "measured";
    public static final String DECLARED = "declared";
}
