/* bignum: schoolbook multiplication of multi-limb unsigned integers
   (32-bit limbs, 64-bit products and carries) and a modular reduction by
   repeated subtraction-free Barrett-like folding, computing a power chain.
   i64 mul, add with carry through shifts, long inner loops. */
#include <stdio.h>
#include <string.h>
#include "common.h"

#define L 64
static void mul(uint32_t *r, const uint32_t *a, const uint32_t *b, int n) {
    memset(r, 0, sizeof(uint32_t) * 2 * n);
    for (int i = 0; i < n; i++) {
        uint64_t c = 0, ai = a[i];
        for (int j = 0; j < n; j++) {
            uint64_t t = ai * b[j] + r[i + j] + c;
            r[i + j] = (uint32_t)t; c = t >> 32;
        }
        r[i + n] = (uint32_t)c;
    }
}
/* Reduce a 2n-limb value modulo 2^(32n) - k (k small): hi*k + lo, folded twice. */
static void fold(uint32_t *x, const uint32_t *r, int n, uint32_t k) {
    uint64_t c = 0;
    for (int i = 0; i < n; i++) { uint64_t t = (uint64_t)r[n + i] * k + r[i] + c; x[i] = (uint32_t)t; c = t >> 32; }
    while (c) {
        uint64_t cc = c * k;
        for (int i = 0; i < n && cc; i++) { uint64_t t = (uint64_t)x[i] + (uint32_t)cc; x[i] = (uint32_t)t; cc = (cc >> 32) + (t >> 32); }
        c = cc;
    }
}

int main(int argc, char **argv) {
    long iters = arg_size(argc, argv, 60000);
    uint32_t a[L], b[L], r[2 * L];
    uint64_t s = 17, h = 0;
    for (int i = 0; i < L; i++) { a[i] = (uint32_t)splitmix64(&s); b[i] = (uint32_t)splitmix64(&s); }
    for (long it = 0; it < iters; it++) {
        mul(r, a, b, L);
        fold(a, r, L, 189);
        if ((it & 63) == 0) b[it % L] ^= (uint32_t)it;
    }
    for (int i = 0; i < L; i++) h = mix64(h, a[i]);
    printf("bignum %ld %016llx\n", iters, (unsigned long long)h);
    return 0;
}
