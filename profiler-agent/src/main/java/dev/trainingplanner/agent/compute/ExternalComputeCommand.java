package dev.trainingplanner.agent.compute;

import dev.trainingplanner.agent.gpu.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A user-supplied benchmark, e.g. a short PyTorch GEMM loop on the GPUs, run with {@code sh -c}
 * once per round. Output format: every line that is not blank and does not start with {@code #} is
 * one timed iteration in seconds (a plain decimal number); the round's time is their sum.
 */
public final class ExternalComputeCommand implements ComputeBenchmark {

    private final CommandRunner runner;
    private final String command;
    private final Duration timeout;

    public ExternalComputeCommand(CommandRunner runner, String command, Duration timeout) {
        this.runner = runner;
        this.command = command;
        this.timeout = timeout;
    }

    @Override
    public List<Double> roundSeconds(int rounds, long pauseMillis) throws IOException {
        List<Double> seconds = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            CommandRunner.Result result = runner.run(List.of("sh", "-c", command), Map.of(), timeout);
            if (result.exitCode() != 0) {
                throw new IOException("--compute-command exited with " + result.exitCode() + ": "
                        + result.stderr().strip());
            }
            seconds.add(parse(result.stdout()));
            CpuMatrixBenchmark.pause(pauseMillis);
        }
        return seconds;
    }

    @Override
    public String describe() {
        return "external compute command: " + command;
    }

    static double parse(String output) throws IOException {
        double total = 0;
        int lines = 0;
        for (String raw : output.lines().toList()) {
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            double value;
            try {
                value = Double.parseDouble(line);
            } catch (NumberFormatException e) {
                throw new IOException("--compute-command printed '" + line
                        + "'; expected one duration in seconds per line (lines starting with # are ignored)");
            }
            if (!(value > 0) || Double.isInfinite(value)) {
                throw new IOException("--compute-command printed a non-positive duration: " + line);
            }
            total += value;
            lines++;
        }
        if (lines == 0) {
            throw new IOException("--compute-command printed no durations");
        }
        return total;
    }
}
