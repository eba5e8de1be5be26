/* divmix: decimal formatting (u32 and u64 / 10), hashing into buckets (% prime), and
   signed division by constants: the divisions by a constant of real code. */
#include <stdio.h>
#include "common.h" /* the peers corpus's (arg_size, splitmix64, mix64) */

static char buf[64];

static int fmt_u64(uint64_t v) {
    int n = 0;
    do { buf[n++] = '0' + v % 10; v /= 10; } while (v);
    return n;
}
static int fmt_u32(uint32_t v) {
    int n = 0;
    do { buf[n++] = '0' + v % 10; v /= 10; } while (v);
    return n;
}

int main(int argc, char **argv) {
    long iters = arg_size(argc, argv, 1000000);
    uint64_t s = 42, h = 0;
    static uint32_t buckets[1009];
    for (long i = 0; i < iters; i++) {
        uint64_t r = splitmix64(&s);
        h += fmt_u64(r);
        h += fmt_u32((uint32_t)r);
        buckets[(uint32_t)(r >> 7) % 1009u]++;
        int32_t x = (int32_t)r;
        h += (uint32_t)(x / 7 + x % 13);
        h += (uint64_t)((int64_t)r / 1000);
    }
    for (int i = 0; i < 1009; i++) h = mix64(h, buckets[i]);
    printf("divmix(%ld) = %016llx\n", iters, (unsigned long long)h);
    return 0;
}
