/* clocks: clock_gettime and nanosleep. Real times are never printed (they
 * change every run); only properties that must hold are. */
#include <time.h>
#include <sys/time.h>

#include "common.h"

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void) {
    struct timespec a, b, r;
    check("clock_gettime MONOTONIC", clock_gettime(CLOCK_MONOTONIC, &a) == 0);
    long long prev = ns(a);
    int increasing = 1;
    for (int i = 0; i < 1000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &b);
        if (ns(b) < prev) increasing = 0;
        prev = ns(b);
    }
    printf("monotonic never goes back: %s\n", increasing ? "yes" : "no");

    check("clock_gettime REALTIME", clock_gettime(CLOCK_REALTIME, &r) == 0);
    /* 2020-01-01T00:00:00Z */
    printf("realtime after 2020: %s\n", r.tv_sec > 1577836800 ? "yes" : "no");
    printf("realtime before 2100: %s\n", r.tv_sec < 4102444800LL ? "yes" : "no");
    time_t t = time(NULL);
    printf("time() agrees with REALTIME: %s\n", t - r.tv_sec >= 0 && t - r.tv_sec < 5 ? "yes" : "no");
    struct timeval tv;
    gettimeofday(&tv, NULL);
    printf("gettimeofday agrees: %s\n", tv.tv_sec - r.tv_sec >= 0 && tv.tv_sec - r.tv_sec < 5 ? "yes" : "no");

    struct timespec res;
    check("clock_getres MONOTONIC", clock_getres(CLOCK_MONOTONIC, &res) == 0);
    printf("resolution at most 1ms: %s\n", ns(res) > 0 && ns(res) <= 1000000 ? "yes" : "no");

    /* nanosleep is a relative clock subscription in poll_oneoff. */
    struct timespec req = {0, 30 * 1000000};
    clock_gettime(CLOCK_MONOTONIC, &a);
    check("nanosleep 30ms", nanosleep(&req, NULL) == 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long long slept = ns(b) - ns(a);
    printf("slept at least 30ms: %s\n", slept >= 30000000LL ? "yes" : "no");
    printf("slept less than 2s: %s\n", slept < 2000000000LL ? "yes" : "no");

    return failures ? 1 : 0;
}
