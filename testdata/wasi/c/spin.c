/* spin: never finishes on its own. `spin busy` loops in guest code,
 * `spin sleep` blocks in a host call (nanosleep -> poll_oneoff) for an
 * hour. lucet-run --timeout must stop both. */
#include <time.h>

#include "common.h"

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "busy";
    printf("spinning (%s)\n", mode);
    fflush(stdout);
    if (!strcmp(mode, "sleep")) {
        struct timespec t = {3600, 0};
        nanosleep(&t, NULL);
    } else {
        volatile unsigned long n = 0;
        for (;;) n++;
    }
    printf("not reached\n");
    return 0;
}
