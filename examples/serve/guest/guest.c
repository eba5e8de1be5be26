/* A CGI-style guest for examples/serve: the request arrives as the
 * environment (REQUEST_METHOD, PATH_INFO, QUERY_STRING, CONTENT_LENGTH,
 * HTTP_*) and the body on stdin; the response goes to stdout as CGI
 * headers, a blank line and the body. One fresh instance per request, so
 * nothing here survives between requests.
 *
 * Routes: /hello?name=N greets; /echo returns the request body; /trap
 * traps; /spin never returns; /flood writes without end; /grow allocates
 * memory until it is refused. Build: scripts/build-serve-guest.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *env(const char *name) {
    const char *v = getenv(name);
    return v ? v : "";
}

/* query returns the value of key in the query string, copied into buf. */
static const char *query(const char *key, char *buf, size_t n) {
    const char *q = env("QUERY_STRING");
    size_t k = strlen(key);
    while (*q) {
        if (strncmp(q, key, k) == 0 && q[k] == '=') {
            q += k + 1;
            size_t i = 0;
            while (q[i] && q[i] != '&' && i + 1 < n) {
                buf[i] = q[i];
                i++;
            }
            buf[i] = 0;
            return buf;
        }
        q = strchr(q, '&');
        if (!q) break;
        q++;
    }
    return NULL;
}

static void respond(const char *status, const char *body) {
    printf("Status: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s", status, body);
}

int main(void) {
    const char *path = env("PATH_INFO");
    if (strcmp(path, "/hello") == 0 || strcmp(path, "/") == 0) {
        char name[64];
        if (!query("name", name, sizeof name)) strcpy(name, "world");
        printf("Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello, %s!\n", name);
        return 0;
    }
    if (strcmp(path, "/echo") == 0) {
        printf("Status: 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n");
        fflush(stdout);
        char buf[4096];
        ssize_t n;
        while ((n = read(0, buf, sizeof buf)) > 0) write(1, buf, n);
        return 0;
    }
    if (strcmp(path, "/trap") == 0) {
        __builtin_trap();
    }
    if (strcmp(path, "/spin") == 0) {
        for (volatile unsigned i = 0;; i++) {
        }
    }
    if (strcmp(path, "/flood") == 0) {
        respond("200 OK", "");
        for (;;) fputs("flood flood flood flood flood flood flood flood\n", stdout);
    }
    if (strcmp(path, "/grow") == 0) {
        size_t total = 0;
        for (;;) {
            /* Touched, so the compiler cannot drop the allocation. */
            volatile char *p = malloc(1 << 20);
            if (!p) break;
            p[0] = 1;
            total += 1 << 20;
        }
        char msg[64];
        snprintf(msg, sizeof msg, "allocated %zu MiB before running out\n", total >> 20);
        respond("507 Insufficient Storage", msg);
        return 0;
    }
    respond("404 Not Found", "no such route\n");
    return 0;
}
