/* grey_simd: RGBA -> grey conversion of an image (BT.601 weights in 8-bit
 * fixed point, (77 R + 150 G + 29 B + 128) >> 8), then a horizontal
 * 1-2-1 smoothing of the grey rows, repeated over the image: the inner
 * loops of thumbnailers and image decoders. Plain C: with -msimd128 -O2
 * clang vectorises both loops (byte de-interleave, widen, multiply-add,
 * narrow), without it they stay scalar; both builds print the same
 * checksum. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

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

#define W 1024
#define H 256

static void to_grey(uint8_t *restrict g, const uint8_t *restrict rgba, long n) {
    for (long i = 0; i < n; i++) {
        unsigned r = rgba[4 * i], gr = rgba[4 * i + 1], b = rgba[4 * i + 2];
        g[i] = (uint8_t)((77 * r + 150 * gr + 29 * b + 128) >> 8);
    }
}

static void smooth(uint8_t *restrict out, const uint8_t *restrict in, long w) {
    out[0] = in[0];
    for (long x = 1; x + 1 < w; x++)
        out[x] = (uint8_t)((in[x - 1] + 2 * in[x] + in[x + 1] + 2) >> 2);
    out[w - 1] = in[w - 1];
}

int main(int argc, char **argv) {
    long rounds = arg_size(argc, argv, 20);
    uint8_t *rgba = malloc(4 * W * H), *grey = malloc(W * H), *row = malloc(W);
    if (!rgba || !grey || !row) { fprintf(stderr, "oom\n"); return 1; }
    uint64_t s = 7;
    for (long i = 0; i < 4 * W * H; i += 8) {
        uint64_t v = splitmix64(&s);
        for (int k = 0; k < 8; k++) rgba[i + k] = (uint8_t)(v >> (8 * k));
    }
    uint64_t h = 1469598103934665603ull;
    for (long r = 0; r < rounds; r++) {
        to_grey(grey, rgba, W * H);
        for (long y = 0; y < H; y++) {
            smooth(row, grey + y * W, W);
            h = (h ^ row[(y * 31 + r) % W]) * 0x100000001B3ull;
        }
        /* change the image a little, so no round repeats the last */
        rgba[(r * 4099) % (4 * W * H)] ^= (uint8_t)(r + 1);
    }
    uint64_t sum = 0;
    for (long i = 0; i < W * H; i++) sum += grey[i];
    printf("grey_simd(%ld) sum=%llu hash=%016llx\n", rounds, (unsigned long long)sum, (unsigned long long)h);
    free(rgba); free(grey); free(row);
    return 0;
}
