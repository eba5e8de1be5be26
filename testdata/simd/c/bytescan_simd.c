/* bytescan_simd: scans a text buffer 16 bytes at a time for newlines and
 * spaces (i8x16.eq, i8x16.bitmask, v128.any_true), the inner loop of
 * line splitters, tokenizers and memchr. Without -msimd128 the same scan
 * is byte by byte; both builds print the same checksum. */
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

#define BUF (1 << 20)

/* scan returns a hash of the newline positions and counts the spaces. */
static uint64_t scan(const unsigned char *p, long len, long *lines, long *spaces) {
    uint64_t h = 1469598103934665603ull;
    long i = 0, nl = 0, sp = 0;
#ifdef __wasm_simd128__
    v128_t nlv = wasm_i8x16_splat('\n'), spv = wasm_i8x16_splat(' ');
    for (; i + 16 <= len; i += 16) {
        v128_t v = wasm_v128_load(p + i);
        v128_t eqs = wasm_i8x16_eq(v, spv);
        sp += __builtin_popcount(wasm_i8x16_bitmask(eqs));
        v128_t eqn = wasm_i8x16_eq(v, nlv);
        if (!wasm_v128_any_true(eqn)) continue;
        uint32_t m = wasm_i8x16_bitmask(eqn);
        while (m) {
            long pos = i + __builtin_ctz(m);
            h = (h ^ (uint64_t)pos) * 0x100000001B3ull;
            nl++;
            m &= m - 1;
        }
    }
#endif
    for (; i < len; i++) {
        if (p[i] == ' ') sp++;
        if (p[i] == '\n') {
            h = (h ^ (uint64_t)i) * 0x100000001B3ull;
            nl++;
        }
    }
    *lines += nl;
    *spaces += sp;
    return h;
}

int main(int argc, char **argv) {
    long mib = arg_size(argc, argv, 64);
    unsigned char *buf = malloc(BUF);
    if (!buf) { fprintf(stderr, "oom\n"); return 1; }
    uint64_t s = 7;
    for (long i = 0; i < BUF; i++) {
        uint64_t r = splitmix64(&s) % 64;
        buf[i] = r == 0 ? '\n' : r < 9 ? ' ' : (unsigned char)('a' + r % 26);
    }
    long lines = 0, spaces = 0;
    uint64_t h = 0;
    for (long k = 0; k < mib; k++) {
        buf[k % BUF] ^= 1; /* a little change per pass: no pass is like another */
        h = h * 31 + scan(buf, BUF - (k % 7), &lines, &spaces);
    }
    printf("bytescan_simd(%ld) lines=%ld spaces=%ld hash=%016llx\n", mib, lines, spaces, (unsigned long long)h);
    free(buf);
    return 0;
}
