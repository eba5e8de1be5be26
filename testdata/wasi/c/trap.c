/* trap: prints a line, flushes it, then traps: `unreachable` by default,
 * integer division by zero with the argument `div`, a load past the end of
 * linear memory with `oob`. The runner must report the trap (exit 134) and
 * keep the line already written. */
#include "common.h"

int main(int argc, char **argv) {
    printf("before trap\n");
    fflush(stdout);
    if (argc > 1 && !strcmp(argv[1], "div")) {
        /* volatile: the divisor is unknown to the compiler, so it emits a
         * real i32.div_s rather than folding the undefined division. */
        volatile int zero = 0;
        int q = atoi(argv[1]) / zero;
        printf("not reached: %d\n", q);
        return 0;
    }
    if (argc > 1 && !strcmp(argv[1], "oob")) {
        /* Far past any memory this program has: the last word of the
         * 32-bit address space. */
        volatile int *p = (volatile int *)(uintptr_t)0xfffffff0u;
        printf("not reached: %d\n", *p);
        return 0;
    }
    __builtin_trap();
}
