/* base64: encode a buffer with the standard alphabet and decode it back
   through a 256-entry reverse table, checked round trip. Shifts, masks,
   table lookups, 3->4 and 4->3 byte loops. */
#include <stdio.h>
#include <string.h>
#include "common.h"

static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static int8_t R[256];

static size_t enc(const uint8_t *in, size_t n, char *out) {
    size_t o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = in[i] << 16 | in[i + 1] << 8 | in[i + 2];
        out[o++] = A[v >> 18]; out[o++] = A[(v >> 12) & 63]; out[o++] = A[(v >> 6) & 63]; out[o++] = A[v & 63];
    }
    if (n - i == 1) { uint32_t v = in[i] << 16; out[o++] = A[v >> 18]; out[o++] = A[(v >> 12) & 63]; out[o++] = '='; out[o++] = '='; }
    else if (n - i == 2) { uint32_t v = in[i] << 16 | in[i + 1] << 8; out[o++] = A[v >> 18]; out[o++] = A[(v >> 12) & 63]; out[o++] = A[(v >> 6) & 63]; out[o++] = '='; }
    return o;
}
static long dec(const char *in, size_t n, uint8_t *out) {
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        int a = R[(uint8_t)in[i]], b = R[(uint8_t)in[i + 1]];
        int c = in[i + 2] == '=' ? 0 : R[(uint8_t)in[i + 2]], d = in[i + 3] == '=' ? 0 : R[(uint8_t)in[i + 3]];
        if ((a | b | c | d) < 0) return -1;
        uint32_t v = a << 18 | b << 12 | c << 6 | d;
        out[o++] = v >> 16;
        if (in[i + 2] != '=') out[o++] = (uint8_t)(v >> 8);
        if (in[i + 3] != '=') out[o++] = (uint8_t)v;
    }
    return (long)o;
}

int main(int argc, char **argv) {
    long rounds = arg_size(argc, argv, 60);
    memset(R, -1, sizeof R);
    for (int i = 0; i < 64; i++) R[(uint8_t)A[i]] = (int8_t)i;
    size_t n = (1 << 20) + 1;
    uint8_t *buf = malloc(n), *back = malloc(n);
    char *txt = malloc(n / 3 * 4 + 8);
    uint64_t s = 5, sum = 0;
    for (size_t i = 0; i < n; i++) buf[i] = (uint8_t)splitmix64(&s);
    for (long r = 0; r < rounds; r++) {
        size_t len = n - (size_t)(r % 3);
        buf[r % n]++;
        size_t tn = enc(buf, len, txt);
        long bn = dec(txt, tn, back);
        if (bn != (long)len || memcmp(buf, back, len)) { printf("base64 MISMATCH\n"); return 1; }
        sum = mix64(sum, tn + (uint8_t)txt[r % tn]);
    }
    printf("base64 %ld %016llx\n", rounds, (unsigned long long)sum);
    return 0;
}
