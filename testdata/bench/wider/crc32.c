/* crc32: table-driven CRC-32 (zlib polynomial), byte at a time and
   slice-by-4, plus Adler-32, over a pseudo-random buffer. Table loads
   indexed by data, shifts, xors. */
#include <stdio.h>
#include "common.h"

static uint32_t T[4][256];
static void init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        T[0][i] = c;
    }
    for (int i = 0; i < 256; i++)
        for (int t = 1; t < 4; t++) T[t][i] = (T[t - 1][i] >> 8) ^ T[0][T[t - 1][i] & 0xff];
}
static uint32_t crc_bytes(uint32_t c, const uint8_t *p, size_t n) {
    c = ~c;
    while (n--) c = T[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    return ~c;
}
static uint32_t crc_slice4(uint32_t c, const uint8_t *p, size_t n) {
    c = ~c;
    while (n >= 4) {
        c ^= (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        c = T[3][c & 0xff] ^ T[2][(c >> 8) & 0xff] ^ T[1][(c >> 16) & 0xff] ^ T[0][c >> 24];
        p += 4; n -= 4;
    }
    while (n--) c = T[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    return ~c;
}
static uint32_t adler(const uint8_t *p, size_t n) {
    uint32_t a = 1, b = 0;
    while (n) {
        size_t k = n < 5552 ? n : 5552;
        n -= k;
        while (k--) { a += *p++; b += a; }
        a %= 65521; b %= 65521;
    }
    return b << 16 | a;
}

int main(int argc, char **argv) {
    long mib = arg_size(argc, argv, 48);
    init();
    size_t n = 1 << 20;
    uint8_t *buf = malloc(n);
    uint64_t s = 11, sum = 0;
    for (size_t i = 0; i < n; i += 8) { uint64_t x = splitmix64(&s); for (int k = 0; k < 8; k++) buf[i + k] = (uint8_t)(x >> (8 * k)); }
    uint32_t c1 = 0, c2 = 0;
    for (long m = 0; m < mib; m++) {
        buf[m % n] ^= (uint8_t)m;
        c1 = crc_bytes(c1, buf, n);
        c2 = crc_slice4(c2, buf, n);
        sum = mix64(sum, adler(buf, n));
    }
    printf("crc32 %ld %08x %08x %016llx\n", mib, c1, c2, (unsigned long long)sum);
    return c1 == c2 ? 0 : 1;
}
