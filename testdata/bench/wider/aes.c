/* aes: AES-128 (FIPS-197) in the byte-oriented style of small C
   libraries such as tiny-AES-c: a 4x4 byte state updated in place
   through a pointer, S-box lookups, xtime with an (int8_t) cast, and a
   round loop with 16+ byte values live at once. CBC encryption and
   decryption and CTR over a buffer; the FIPS-197 C.1 vector is checked
   first. Written for this benchmark set (the real tiny-AES-c measured
   1.61x wasmtime's time in Cipher: register pressure; see the README). */
#include <stdio.h>
#include <string.h>
#include "common.h"

static uint8_t sbox[256], rsbox[256];

static uint8_t xtime(uint8_t x) { return (uint8_t)((x << 1) ^ (((int8_t)x >> 7) & 0x1b)); }

static uint8_t gmul(uint8_t a, uint8_t b) {
    uint8_t p = 0;
    while (b) {
        if (b & 1) p ^= a;
        a = xtime(a);
        b >>= 1;
    }
    return p;
}

/* The S-box from its definition: the multiplicative inverse in GF(2^8)
   followed by the affine map. */
static void init_sbox(void) {
    for (int i = 0; i < 256; i++) {
        uint8_t inv = 0;
        for (int j = 1; j < 256 && i; j++)
            if (gmul((uint8_t)i, (uint8_t)j) == 1) { inv = (uint8_t)j; break; }
        uint8_t s = inv, x = inv;
        for (int k = 0; k < 4; k++) {
            x = (uint8_t)((x << 1) | (x >> 7));
            s ^= x;
        }
        sbox[i] = s ^ 0x63;
        rsbox[sbox[i]] = (uint8_t)i;
    }
}

static void expand_key(uint8_t rk[176], const uint8_t key[16]) {
    memcpy(rk, key, 16);
    uint8_t rcon = 1;
    for (int i = 4; i < 44; i++) {
        uint8_t t[4];
        memcpy(t, rk + 4 * (i - 1), 4);
        if (i % 4 == 0) {
            uint8_t u = t[0];
            t[0] = sbox[t[1]] ^ rcon; t[1] = sbox[t[2]]; t[2] = sbox[t[3]]; t[3] = sbox[u];
            rcon = xtime(rcon);
        }
        for (int k = 0; k < 4; k++) rk[4 * i + k] = rk[4 * (i - 4) + k] ^ t[k];
    }
}

static void add_round_key(uint8_t *s, const uint8_t *rk, int round) {
    for (int i = 0; i < 16; i++) s[i] ^= rk[16 * round + i];
}

static void cipher(uint8_t *s, const uint8_t *rk) {
    add_round_key(s, rk, 0);
    for (int round = 1;; round++) {
        for (int i = 0; i < 16; i++) s[i] = sbox[s[i]];
        uint8_t t = s[1]; s[1] = s[5]; s[5] = s[9]; s[9] = s[13]; s[13] = t;
        t = s[2]; s[2] = s[10]; s[10] = t; t = s[6]; s[6] = s[14]; s[14] = t;
        t = s[3]; s[3] = s[15]; s[15] = s[11]; s[11] = s[7]; s[7] = t;
        if (round == 10) break;
        for (int c = 0; c < 4; c++) {
            uint8_t *p = s + 4 * c, a = p[0], all = p[0] ^ p[1] ^ p[2] ^ p[3];
            p[0] ^= all ^ xtime(p[0] ^ p[1]);
            p[1] ^= all ^ xtime(p[1] ^ p[2]);
            p[2] ^= all ^ xtime(p[2] ^ p[3]);
            p[3] ^= all ^ xtime(p[3] ^ a);
        }
        add_round_key(s, rk, round);
    }
    add_round_key(s, rk, 10);
}

static void inv_cipher(uint8_t *s, const uint8_t *rk) {
    add_round_key(s, rk, 10);
    for (int round = 9;; round--) {
        uint8_t t = s[13]; s[13] = s[9]; s[9] = s[5]; s[5] = s[1]; s[1] = t;
        t = s[2]; s[2] = s[10]; s[10] = t; t = s[6]; s[6] = s[14]; s[14] = t;
        t = s[3]; s[3] = s[7]; s[7] = s[11]; s[11] = s[15]; s[15] = t;
        for (int i = 0; i < 16; i++) s[i] = rsbox[s[i]];
        add_round_key(s, rk, round);
        if (round == 0) break;
        for (int c = 0; c < 4; c++) {
            uint8_t *p = s + 4 * c, a = p[0], b = p[1], d = p[2], e = p[3];
            p[0] = gmul(a, 14) ^ gmul(b, 11) ^ gmul(d, 13) ^ gmul(e, 9);
            p[1] = gmul(a, 9) ^ gmul(b, 14) ^ gmul(d, 11) ^ gmul(e, 13);
            p[2] = gmul(a, 13) ^ gmul(b, 9) ^ gmul(d, 14) ^ gmul(e, 11);
            p[3] = gmul(a, 11) ^ gmul(b, 13) ^ gmul(d, 9) ^ gmul(e, 14);
        }
    }
}

static void cbc_encrypt(uint8_t *buf, size_t n, const uint8_t *rk, const uint8_t iv[16]) {
    const uint8_t *prev = iv;
    for (size_t i = 0; i < n; i += 16) {
        for (int k = 0; k < 16; k++) buf[i + k] ^= prev[k];
        cipher(buf + i, rk);
        prev = buf + i;
    }
}

static void cbc_decrypt(uint8_t *buf, size_t n, const uint8_t *rk, const uint8_t iv[16]) {
    uint8_t prev[16], next[16];
    memcpy(prev, iv, 16);
    for (size_t i = 0; i < n; i += 16) {
        memcpy(next, buf + i, 16);
        inv_cipher(buf + i, rk);
        for (int k = 0; k < 16; k++) buf[i + k] ^= prev[k];
        memcpy(prev, next, 16);
    }
}

static void ctr_xcrypt(uint8_t *buf, size_t n, const uint8_t *rk, const uint8_t iv[16]) {
    uint8_t ctr[16], ks[16];
    memcpy(ctr, iv, 16);
    for (size_t i = 0; i < n; i += 16) {
        memcpy(ks, ctr, 16);
        cipher(ks, rk);
        for (int k = 0; k < 16 && i + k < n; k++) buf[i + k] ^= ks[k];
        for (int k = 15; k >= 0 && ++ctr[k] == 0; k--) {
        }
    }
}

int main(int argc, char **argv) {
    long rounds = arg_size(argc, argv, 64);
    init_sbox();
    uint8_t key[16], rk[176], iv[16], block[16];
    for (int i = 0; i < 16; i++) { key[i] = (uint8_t)i; block[i] = (uint8_t)(i * 0x11); }
    static const uint8_t want[16] = {0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30,
                                     0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a};
    expand_key(rk, key);
    cipher(block, rk);
    if (memcmp(block, want, 16)) { puts("aes: FIPS-197 C.1 vector mismatch"); return 1; }
    size_t n = 1 << 16;
    uint8_t *buf = malloc(n), *orig = malloc(n);
    uint64_t s = 9, h = 0;
    for (size_t i = 0; i < n; i++) orig[i] = buf[i] = (uint8_t)splitmix64(&s);
    for (int i = 0; i < 16; i++) { key[i] = (uint8_t)(i * 17 + 3); iv[i] = (uint8_t)(255 - i * 7); }
    for (long r = 0; r < rounds; r++) {
        expand_key(rk, key);
        cbc_encrypt(buf, n, rk, iv);
        h = mix64(h, buf[r % n] | (uint64_t)buf[n - 1] << 8);
        if (r % 4 == 0) {
            cbc_decrypt(buf, n, rk, iv);
            if (memcmp(buf, orig, n)) { puts("aes: CBC round trip failed"); return 1; }
        } else {
            memcpy(buf, orig, n);
        }
        ctr_xcrypt(buf, n, rk, iv);
        h = mix64(h, buf[(r * 31) % n]);
        ctr_xcrypt(buf, n, rk, iv);
        key[r % 16] ^= buf[r % n] | 1;
    }
    printf("aes %016llx\n", (unsigned long long)h);
    return 0;
}
