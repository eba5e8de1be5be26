/* hashtab: open-addressing hash table keyed by short strings (FNV-1a,
   linear probing, memcmp on hit): insert, lookup hits and misses, delete
   by tombstone. String hashing, byte loads, unpredictable branches. */
#include <stdio.h>
#include <string.h>
#include "common.h"

#define CAP (1 << 16)
struct ent { uint32_t hash; uint8_t len, state; char key[22]; uint32_t val; };
static struct ent tab[CAP];

static uint32_t fnv(const char *s, int n) {
    uint32_t h = 2166136261u;
    for (int i = 0; i < n; i++) { h ^= (uint8_t)s[i]; h *= 16777619u; }
    return h;
}
static int mkkey(char *k, uint64_t r) {
    int n = 4 + (int)(r % 17);
    for (int i = 0; i < n; i++) { k[i] = 'a' + (char)((r >> (i * 3)) % 26); }
    return n;
}
static struct ent *find(const char *k, int n, uint32_t h, int insert) {
    uint32_t i = h & (CAP - 1);
    struct ent *tomb = 0;
    for (;;) {
        struct ent *e = &tab[i];
        if (e->state == 0) return insert ? (tomb ? tomb : e) : 0;
        if (e->state == 2) { if (!tomb) tomb = e; }
        else if (e->hash == h && e->len == n && memcmp(e->key, k, n) == 0) return e;
        i = (i + 1) & (CAP - 1);
    }
}

int main(int argc, char **argv) {
    long iters = arg_size(argc, argv, 3000000);
    uint64_t s = 7, sum = 0;
    char k[24];
    for (long it = 0; it < iters; it++) {
        uint64_t r = splitmix64(&s);
        int n = mkkey(k, r % 40000);
        uint32_t h = fnv(k, n);
        int op = (int)((r >> 40) % 8);
        if (op < 4) {
            struct ent *e = find(k, n, h, 1);
            if (e->state != 1) { e->state = 1; e->hash = h; e->len = n; memcpy(e->key, k, n); e->val = 0; }
            e->val += (uint32_t)it;
        } else if (op < 7) {
            struct ent *e = find(k, n, h, 0);
            sum = mix64(sum, e ? e->val : 1);
        } else {
            struct ent *e = find(k, n, h, 0);
            if (e) e->state = 2;
        }
    }
    printf("hashtab %ld %016llx\n", iters, (unsigned long long)sum);
    return 0;
}
