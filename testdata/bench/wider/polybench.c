/* polybench: three PolyBench/C 4.2 kernels on doubles with the reference
   initialisations: gemm (C = alpha*A*B + beta*C), jacobi-2d (5-point
   stencil, two arrays) and floyd-warshall (all-pairs shortest paths, int).
   Size argument N scales all three. Nested counted loops, 2-D indexing. */
#include <stdio.h>
#include "common.h"

static double A[400][400], B[400][400], C[400][400];
static int P[400][400];

static double gemm(int n) {
    double alpha = 1.5, beta = 1.2;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            A[i][j] = (double)((i * j + 1) % n) / n;
            B[i][j] = (double)((i * (j + 1) + 2) % n) / n;
            C[i][j] = (double)((i * (j + 2) + 3) % n) / n;
        }
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) C[i][j] *= beta;
        for (int k = 0; k < n; k++)
            for (int j = 0; j < n; j++) C[i][j] += alpha * A[i][k] * B[k][j];
    }
    double s = 0;
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) s += C[i][j];
    return s;
}
static double jacobi(int n, int steps) {
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) { A[i][j] = ((double)i * (j + 2) + 2) / n; B[i][j] = ((double)i * (j + 3) + 3) / n; }
    for (int t = 0; t < steps; t++) {
        for (int i = 1; i < n - 1; i++)
            for (int j = 1; j < n - 1; j++) B[i][j] = 0.2 * (A[i][j] + A[i][j - 1] + A[i][1 + j] + A[1 + i][j] + A[i - 1][j]);
        for (int i = 1; i < n - 1; i++)
            for (int j = 1; j < n - 1; j++) A[i][j] = 0.2 * (B[i][j] + B[i][j - 1] + B[i][1 + j] + B[1 + i][j] + B[i - 1][j]);
    }
    double s = 0;
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) s += A[i][j];
    return s;
}
static long floyd(int n) {
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            P[i][j] = i * j % 7 + 1;
            if ((i + j) % 13 == 0 || (i + j) % 7 == 0 || (i + j) % 11 == 0) P[i][j] = 999;
        }
    for (int k = 0; k < n; k++)
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) P[i][j] = P[i][j] < P[i][k] + P[k][j] ? P[i][j] : P[i][k] + P[k][j];
    long s = 0;
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) s += P[i][j];
    return s;
}

int main(int argc, char **argv) {
    long n = arg_size(argc, argv, 400);
    if (n > 400) n = 400;
    double g = gemm((int)n), j = jacobi((int)n, 400);
    long f = floyd((int)n);
    printf("polybench %ld %.6f %.6f %ld\n", n, g, j, f);
    return 0;
}
