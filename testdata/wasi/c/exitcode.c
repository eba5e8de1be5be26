/* exitcode: `exit N` calls exit(N) (proc_exit), `return N` returns N from
 * main, `abort` calls abort(). Output written before exit must not be lost. */
#include "common.h"

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: exitcode exit|return N\n");
        return 2;
    }
    int n = atoi(argv[2]);
    printf("about to %s %d\n", argv[1], n);
    fprintf(stderr, "stderr before %s\n", argv[1]);
    if (!strcmp(argv[1], "exit")) exit(n);
    if (!strcmp(argv[1], "return")) return n;
    fprintf(stderr, "unknown mode %s\n", argv[1]);
    return 2;
}
