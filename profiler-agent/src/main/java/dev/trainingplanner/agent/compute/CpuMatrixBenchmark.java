package dev.trainingplanner.agent.compute;

import java.util.ArrayList;
import java.util.List;

/**
 * The built-in benchmark: a fixed dense matrix multiplication on the CPU per round. It measures the
 * CPU only, which tells slow or noisy hosts apart but not GPU speed; use an external command for that.
 */
public final class CpuMatrixBenchmark implements ComputeBenchmark {

    private static final int SIZE = 128;
    private static final int MULTIPLICATIONS_PER_ROUND = 4;

    private final double[] left = new double[SIZE * SIZE];
    private final double[] right = new double[SIZE * SIZE];
    private final double[] product = new double[SIZE * SIZE];
    private double checksum;

    public CpuMatrixBenchmark() {
        for (int i = 0; i < left.length; i++) {
            left[i] = (i % 7) * 0.5;
            right[i] = (i % 5) * 0.25;
        }
    }

    @Override
    public List<Double> roundSeconds(int rounds, long pauseMillis) {
        // Untimed warm-up rounds let the JIT compile the loop before anything is measured.
        for (int i = 0; i < 3 * MULTIPLICATIONS_PER_ROUND; i++) {
            multiply();
        }
        List<Double> seconds = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < MULTIPLICATIONS_PER_ROUND; i++) {
                multiply();
            }
            seconds.add((System.nanoTime() - start) / 1e9);
            pause(pauseMillis);
        }
        return seconds;
    }

    @Override
    public String describe() {
        return "built-in CPU benchmark (" + MULTIPLICATIONS_PER_ROUND + " x " + SIZE + "x" + SIZE
                + " double matrix products per round), checksum " + checksum;
    }

    private void multiply() {
        for (int i = 0; i < SIZE; i++) {
            for (int k = 0; k < SIZE; k++) {
                double a = left[i * SIZE + k];
                for (int j = 0; j < SIZE; j++) {
                    product[i * SIZE + j] += a * right[k * SIZE + j];
                }
            }
        }
        // Keeps the result observable so the JIT cannot drop the loop.
        checksum += product[SIZE * SIZE - 1];
    }

    static void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
