/* lz77: a deflate-like LZ77 compressor (hash chains, lazy-free greedy
   matching, 32 KiB window) over generated text, then the decompressor,
   checked round trip. Byte compares, pointer chasing, copies. */
#include <stdio.h>
#include <string.h>
#include "common.h"

#define WIN (1 << 15)
#define HBITS 14
static int head[1 << HBITS];
static int prev_[WIN];

static size_t compress(const uint8_t *in, size_t n, uint8_t *out) {
    size_t o = 0, i = 0;
    for (int j = 0; j < (1 << HBITS); j++) head[j] = -1;
    while (i < n) {
        int best = 0, bdist = 0;
        if (i + 3 <= n) {
            uint32_t h = ((in[i] << 10) ^ (in[i + 1] << 5) ^ in[i + 2]) & ((1 << HBITS) - 1);
            int c = head[h], chain = 32;
            while (c >= 0 && (int)i - c < WIN && chain--) {
                int l = 0, max = (int)(n - i) < 258 ? (int)(n - i) : 258;
                while (l < max && in[c + l] == in[i + l]) l++;
                if (l > best) { best = l; bdist = (int)i - c; if (l == max) break; }
                c = prev_[c & (WIN - 1)];
            }
            prev_[i & (WIN - 1)] = head[h];
            head[h] = (int)i;
        }
        if (best >= 4) {
            out[o++] = 0xff; out[o++] = (uint8_t)best; out[o++] = (uint8_t)(best >> 8);
            out[o++] = (uint8_t)bdist; out[o++] = (uint8_t)(bdist >> 8);
            for (int k = 1; k < best; k++) {
                size_t p = i + k;
                if (p + 3 <= n) {
                    uint32_t h = ((in[p] << 10) ^ (in[p + 1] << 5) ^ in[p + 2]) & ((1 << HBITS) - 1);
                    prev_[p & (WIN - 1)] = head[h];
                    head[h] = (int)p;
                }
            }
            i += best;
        } else {
            if (in[i] == 0xff) out[o++] = 0xff, out[o++] = 0, out[o++] = 0;
            else out[o++] = in[i];
            i++;
        }
    }
    return o;
}
static size_t decompress(const uint8_t *in, size_t n, uint8_t *out) {
    size_t o = 0, i = 0;
    while (i < n) {
        if (in[i] != 0xff) { out[o++] = in[i++]; continue; }
        int l = in[i + 1] | in[i + 2] << 8;
        if (l == 0) { out[o++] = 0xff; i += 3; continue; }
        int d = in[i + 3] | in[i + 4] << 8;
        for (int k = 0; k < l; k++) out[o + k] = out[o - d + k];
        o += l; i += 5;
    }
    return o;
}

int main(int argc, char **argv) {
    long rounds = arg_size(argc, argv, 12);
    static const char *words[] = {"the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ",
        "lorem ", "ipsum ", "dolor ", "sit ", "amet, ", "consectetur\n", "wasm ", "compiler "};
    size_t n = 1 << 20;
    uint8_t *in = malloc(n), *c = malloc(n * 3 + 16), *d = malloc(n + 300);
    uint64_t s = 3, sum = 0;
    for (long r = 0; r < rounds; r++) {
        size_t p = 0;
        while (p < n) {
            uint64_t x = splitmix64(&s);
            if (x % 11 == 0) { in[p++] = (uint8_t)(x >> 8); continue; }
            const char *w = words[x >> 60];
            while (*w && p < n) in[p++] = (uint8_t)*w++;
        }
        size_t cn = compress(in, n, c);
        size_t dn = decompress(c, cn, d);
        if (dn != n || memcmp(in, d, n) != 0) { printf("lz77 MISMATCH\n"); return 1; }
        sum = mix64(sum, cn);
    }
    printf("lz77 %ld %016llx\n", rounds, (unsigned long long)sum);
    return 0;
}
