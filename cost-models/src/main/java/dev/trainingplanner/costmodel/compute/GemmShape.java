package dev.trainingplanner.costmodel.compute;

import static dev.trainingplanner.costmodel.InvalidInputException.require;

/**
 * One (optionally batched) matrix multiply {@code C[m,n] = A[m,k]·B[k,n]}, {@code batch} times: k is the reduction
 * dimension, n the output width. A plain GEMM has batch 1; a bmm or a grouped GEMM of equal groups has batch = groups.
 */
public record GemmShape(long m, long n, long k, long batch) {

    public GemmShape {
        require(
                m > 0 && n > 0 && k > 0 && batch > 0,
                "GEMM dimensions must be above 0, got m=" + m + " n=" + n + " k=" + k + " batch=" + batch);
    }

    /** Multiply-adds count twice: {@code 2·batch·m·n·k}. */
    public double flops() {
        return 2.0 * batch * m * n * k;
    }
}
