/* cat: copies stdin to stdout with read/write (fd_read/fd_write) in small
 * chunks. `cat sum` prints only the byte count and an FNV-1a hash instead,
 * for large generated inputs. */
#include <unistd.h>

#include "common.h"

int main(int argc, char **argv) {
    int sum = argc > 1 && !strcmp(argv[1], "sum");
    char buf[1000]; /* not a power of two: chunk edges move around */
    unsigned long long total = 0;
    unsigned int h = 2166136261u;
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n < 0) {
            fprintf(stderr, "cat: read: %s\n", errname(errno));
            return 1;
        }
        if (n == 0) break;
        total += (unsigned long long)n;
        if (sum) {
            for (ssize_t i = 0; i < n; i++) h = (h ^ (unsigned char)buf[i]) * 16777619u;
            continue;
        }
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(1, buf + off, (size_t)(n - off));
            if (w <= 0) {
                fprintf(stderr, "cat: write: %s\n", errname(errno));
                return 1;
            }
            off += w;
        }
    }
    if (sum) printf("%llu bytes, fnv1a %08x\n", total, h);
    fprintf(stderr, "cat: %llu bytes\n", total);
    return 0;
}
