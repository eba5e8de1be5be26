/* matmul_simd: f32 dense matrix multiply, i-k-j loop order, the inner
 * loop written with wasm SIMD intrinsics (f32x4 splat/mul/add, v128
 * loads and stores). Without -msimd128 the same loop is scalar, so the
 * two builds print the same checksum (no FMA: mul then add per element). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

static long arg_size(int argc, char **argv, long def) {
    if (argc > 1) {
        long v = strtol(argv[1], NULL, 10);
        if (v > 0) return v;
    }
    return def;
}

static uint64_t splitmix64(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void row_update(float *crow, const float *brow, float aik, long n) {
    long j = 0;
#ifdef __wasm_simd128__
    v128_t a4 = wasm_f32x4_splat(aik);
    for (; j + 8 <= n; j += 8) {
        v128_t c0 = wasm_v128_load(crow + j), c1 = wasm_v128_load(crow + j + 4);
        v128_t b0 = wasm_v128_load(brow + j), b1 = wasm_v128_load(brow + j + 4);
        wasm_v128_store(crow + j, wasm_f32x4_add(c0, wasm_f32x4_mul(a4, b0)));
        wasm_v128_store(crow + j + 4, wasm_f32x4_add(c1, wasm_f32x4_mul(a4, b1)));
    }
#endif
    for (; j < n; j++) crow[j] += aik * brow[j];
}

int main(int argc, char **argv) {
    long n = arg_size(argc, argv, 256);
    float *a = malloc(sizeof(float) * n * n);
    float *b = malloc(sizeof(float) * n * n);
    float *c = malloc(sizeof(float) * n * n);
    if (!a || !b || !c) { fprintf(stderr, "oom\n"); return 1; }
    uint64_t s = 42;
    for (long i = 0; i < n * n; i++) {
        a[i] = (float)(splitmix64(&s) % 2000) / 1000.0f - 1.0f;
        b[i] = (float)(splitmix64(&s) % 2000) / 1000.0f - 1.0f;
        c[i] = 0.0f;
    }
    for (long i = 0; i < n; i++)
        for (long k = 0; k < n; k++)
            row_update(c + i * n, b + k * n, a[i * n + k], n);
    double sum = 0.0, diag = 0.0;
    for (long i = 0; i < n * n; i++) sum += c[i];
    for (long i = 0; i < n; i++) diag += c[i * n + i];
    printf("matmul_simd(%ld) sum=%.6f diag=%.6f\n", n, sum, diag);
    free(a); free(b); free(c);
    return 0;
}
