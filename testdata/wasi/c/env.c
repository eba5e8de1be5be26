/* env: prints the whole environment (sorted) and then getenv of each name
 * given as an argument. The guest must see exactly the variables granted
 * with --env, none of the host's. */
#include "common.h"

extern char **environ;

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
    int n = 0;
    while (environ && environ[n]) n++;
    char **sorted = malloc((n + 1) * sizeof *sorted);
    memcpy(sorted, environ, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp);
    printf("%d variables\n", n);
    for (int i = 0; i < n; i++) printf("env: %s\n", sorted[i]);
    for (int i = 1; i < argc; i++) {
        const char *v = getenv(argv[i]);
        if (v)
            printf("getenv(%s)=[%s]\n", argv[i], v);
        else
            printf("getenv(%s)=NULL\n", argv[i]);
    }
    return 0;
}
