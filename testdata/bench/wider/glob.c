/* glob: a backtracking matcher for shell globs (* ? [a-z] [!x]) and a
   small regex matcher (. * + ? ^ $ and literals, Pike-style recursion from
   Kernighan & Pike) over generated file names. Recursion, byte compares,
   short data-dependent loops. */
#include <stdio.h>
#include <string.h>
#include "common.h"

static int glob(const char *p, const char *s) {
    const char *star = 0, *ss = 0;
    while (*s) {
        if (*p == '*') { star = p++; ss = s; continue; }
        if (*p == '?') { p++; s++; continue; }
        if (*p == '[') {
            const char *q = p + 1; int neg = 0, ok = 0;
            if (*q == '!') { neg = 1; q++; }
            while (*q && *q != ']') {
                if (q[1] == '-' && q[2] && q[2] != ']') { if (*s >= q[0] && *s <= q[2]) ok = 1; q += 3; }
                else { if (*s == *q) ok = 1; q++; }
            }
            if (ok != neg && *q == ']') { p = q + 1; s++; continue; }
        } else if (*p == *s) { p++; s++; continue; }
        if (star) { p = star + 1; s = ++ss; continue; }
        return 0;
    }
    while (*p == '*') p++;
    return *p == 0;
}

static int matchhere(const char *re, const char *t);
static int matchstar(int c, const char *re, const char *t, int plus) {
    const char *s = t;
    if (plus) { if (!(*s && (*s == c || c == '.'))) return 0; s++; }
    const char *e = s;
    while (*e && (*e == c || c == '.')) e++;
    do { if (matchhere(re, e)) return 1; } while (e-- > s);
    return 0;
}
static int matchhere(const char *re, const char *t) {
    if (re[0] == 0) return 1;
    if (re[1] == '*') return matchstar(re[0], re + 2, t, 0);
    if (re[1] == '+') return matchstar(re[0], re + 2, t, 1);
    if (re[1] == '?') { if (*t && (re[0] == '.' || re[0] == *t) && matchhere(re + 2, t + 1)) return 1; return matchhere(re + 2, t); }
    if (re[0] == '$' && re[1] == 0) return *t == 0;
    if (*t && (re[0] == '.' || re[0] == *t)) return matchhere(re + 1, t + 1);
    return 0;
}
static int rematch(const char *re, const char *t) {
    if (re[0] == '^') return matchhere(re + 1, t);
    do { if (matchhere(re, t)) return 1; } while (*t++);
    return 0;
}

int main(int argc, char **argv) {
    long iters = arg_size(argc, argv, 1500000);
    static const char *globs[] = {"*.c", "src/*/*.go", "*test*", "[a-m]*_[0-9]?.txt", "*[!a-z]", "lib*.so.*", "*a*b*c*d*", "??????*.h"};
    static const char *res[] = {"^src/.*\\.go$", "a.*b.*c", "_[0-9]+", "x?y+z", "test.?[0-9]$", "^lib.+so", "o+b", "e.*e.*e"};
    static const char *parts[] = {"src", "lib", "test", "main", "abc", "x", "yz", "foo_1", "bar_22", "util", "deps", "ob"};
    static const char *exts[] = {".c", ".go", ".h", ".txt", ".so.1", "", "_test.go", ".md"};
    char name[128];
    uint64_t s = 13, sum = 0;
    long hits = 0;
    for (long it = 0; it < iters; it++) {
        uint64_t r = splitmix64(&s);
        int n = 0, segs = 1 + (int)(r % 4);
        for (int k = 0; k < segs; k++) {
            const char *w = parts[(r >> (4 + 4 * k)) % 12];
            size_t l = strlen(w);
            memcpy(name + n, w, l); n += (int)l;
            if (k + 1 < segs) name[n++] = (r >> (30 + k)) & 1 ? '/' : '_';
        }
        const char *e = exts[(r >> 40) % 8];
        size_t l = strlen(e); memcpy(name + n, e, l); n += (int)l;
        name[n] = 0;
        int g = glob(globs[(r >> 44) % 8], name), m = rematch(res[(r >> 48) % 8], name);
        hits += g + m;
        sum = mix64(sum, (uint64_t)(g << 1 | m) + (uint64_t)n);
    }
    printf("glob %ld %ld %016llx\n", iters, hits, (unsigned long long)sum);
    return 0;
}
