/* memory: grows linear memory through malloc and checks every byte
 * survives. `memory N` allocates N MiB in 1 MiB blocks, fills each with a
 * pattern and verifies it; a block that cannot be had is reported (with
 * lucet-run --max-memory the guest must see malloc fail, not the host
 * crash). */
#include <stdint.h>

#include "common.h"

int main(int argc, char **argv) {
    int want = argc > 1 ? atoi(argv[1]) : 16;
    enum { MiB = 1 << 20 };
    unsigned char *blocks[1024];
    int got = 0;
    for (; got < want && got < 1024; got++) {
        blocks[got] = malloc(MiB);
        if (!blocks[got]) break;
        for (int i = 0; i < MiB; i++) blocks[got][i] = (unsigned char)(i * 31 + got);
    }
    if (got < want)
        printf("malloc stopped after %s\n", got >= 1 ? "at least 1 MiB" : "0 MiB");
    else
        printf("allocated %d MiB\n", got);
    int bad = 0;
    for (int b = 0; b < got; b++)
        for (int i = 0; i < MiB; i++)
            if (blocks[b][i] != (unsigned char)(i * 31 + b)) bad++;
    printf("corrupted bytes: %d\n", bad);
    for (int b = 0; b < got; b++) free(blocks[b]);
    /* Freed memory is reusable. */
    void *again = malloc(MiB);
    printf("malloc after free: %s\n", again ? "OK" : "NULL");
    return bad ? 1 : 0;
}
