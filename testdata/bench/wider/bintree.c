/* bintree: the binary-trees benchmark (Benchmarks Game): build and check
   many complete trees with malloc/free, one long-lived tree. Allocation
   (wasi-libc dlmalloc), pointer chasing, recursion. */
#include <stdio.h>
#include "common.h"

struct node { struct node *l, *r; };
static struct node *make(int d) {
    struct node *n = malloc(sizeof *n);
    if (d > 0) { n->l = make(d - 1); n->r = make(d - 1); } else n->l = n->r = 0;
    return n;
}
static long check(struct node *n) { return n->l ? 1 + check(n->l) + check(n->r) : 1; }
static void del(struct node *n) { if (n->l) { del(n->l); del(n->r); } free(n); }

int main(int argc, char **argv) {
    long maxd = arg_size(argc, argv, 16);
    uint64_t h = 0;
    struct node *stretch = make((int)maxd + 1);
    h = mix64(h, (uint64_t)check(stretch));
    del(stretch);
    struct node *longlived = make((int)maxd);
    for (int d = 4; d <= maxd; d += 2) {
        long iters = 1L << (maxd - d + 4), c = 0;
        for (long i = 0; i < iters; i++) { struct node *t = make(d); c += check(t); del(t); }
        h = mix64(h, (uint64_t)c);
    }
    h = mix64(h, (uint64_t)check(longlived));
    printf("bintree %ld %016llx\n", maxd, (unsigned long long)h);
    return 0;
}
