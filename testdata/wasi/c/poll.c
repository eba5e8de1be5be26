/* poll: poll_oneoff with a relative clock timeout (poll with no fds, and
 * poll on stdin with a timeout). The harness gives it stdin with data. */
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static long long now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void) {
    long long t0 = now();
    int r = poll(NULL, 0, 50);
    long long dt = now() - t0;
    printf("poll(no fds, 50ms) = %d\n", r);
    printf("waited at least 50ms: %s\n", dt >= 50000000LL ? "yes" : "no");
    printf("waited less than 2s: %s\n", dt < 2000000000LL ? "yes" : "no");

    struct pollfd p = {.fd = 0, .events = POLLIN};
    t0 = now();
    r = poll(&p, 1, 5000);
    dt = now() - t0;
    printf("poll(stdin, 5s) = %d, POLLIN: %s\n", r, (p.revents & POLLIN) ? "yes" : "no");
    printf("returned before the timeout: %s\n", dt < 4000000000LL ? "yes" : "no");
    char buf[64];
    ssize_t n = read(0, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("read after poll: %zd [%s]\n", n, buf);
    return failures ? 1 : 0;
}
