/* Helpers shared by the WASI test programs. Output must be identical under
 * lucet, node's WASI and a native Linux build, so nothing here prints
 * strerror() text (it differs between wasi-libc and glibc): errors are
 * printed as their symbolic errno names. */
#ifndef LUCET_TEST_COMMON_H
#define LUCET_TEST_COMMON_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ENOTCAPABLE
#define ENOTCAPABLE 76 /* WASI-only; never produced natively */
#endif

#define UNUSED __attribute__((unused))

UNUSED static const char *errname(int e) {
#define E(x) if (e == x) return #x;
    E(EACCES) E(EAGAIN) E(EBADF) E(EBUSY) E(EEXIST) E(EFAULT) E(EFBIG)
    E(EINTR) E(EINVAL) E(EIO) E(EISDIR) E(ELOOP) E(EMFILE) E(EMLINK)
    E(ENAMETOOLONG) E(ENFILE) E(ENODEV) E(ENOENT) E(ENOEXEC) E(ENOMEM)
    E(ENOSPC) E(ENOSYS) E(ENOTDIR) E(ENOTEMPTY) E(ENOTSUP) E(ENOTTY)
    E(ENXIO) E(EOVERFLOW) E(EPERM) E(EPIPE) E(ERANGE) E(EROFS) E(ESPIPE)
    E(EXDEV) E(ENOTCAPABLE)
#undef E
    static char buf[32];
    snprintf(buf, sizeof buf, "errno=%d", e);
    return buf;
}

/* check prints "label: OK" when ok is true and "label: FAIL (ERRNO)"
 * otherwise, and counts failures so main can exit non-zero. */
static int failures;

UNUSED static void check(const char *label, int ok) {
    if (ok) {
        printf("%s: OK\n", label);
    } else {
        printf("%s: FAIL (%s)\n", label, errname(errno));
        failures++;
    }
}

/* expect_err prints the errno name of an operation that must fail. */
UNUSED static void expect_err(const char *label, int ret) {
    if (ret >= 0) {
        printf("%s: unexpectedly succeeded\n", label);
        failures++;
    } else {
        printf("%s: %s\n", label, errname(errno));
    }
}

/* join builds dir/name in a static rotating buffer. */
UNUSED static const char *join(const char *dir, const char *name) {
    static char bufs[8][512];
    static int n;
    char *b = bufs[n++ % 8];
    snprintf(b, sizeof bufs[0], "%s/%s", dir, name);
    return b;
}

#endif
