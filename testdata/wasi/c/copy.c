/* copy: works across two granted directories (argv[1] and argv[2], e.g.
 * /in and /out): copies a file from one to the other, renames and
 * hard-links between them, and lists both. wasi-libc picks the preopen for
 * each path, so this checks the runtime hands out one fd per --dir and
 * accepts operations that span two of them. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *label, const char *dir) {
    DIR *d = opendir(dir);
    if (!d) {
        printf("%s: opendir: %s\n", label, errname(errno));
        failures++;
        return;
    }
    char *names[32];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 32)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, cmp);
    printf("%s:", label);
    for (int i = 0; i < n; i++) {
        struct stat st;
        stat(join(dir, names[i]), &st);
        printf(" %s(%ld)", names[i], (long)st.st_size);
        free(names[i]);
    }
    printf("\n");
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: copy SRCDIR DSTDIR\n");
        return 2;
    }
    const char *in = argv[1], *out = argv[2];
    list("in before", in);
    list("out before", out);

    int src = open(join(in, "src.txt"), O_RDONLY);
    check("open in/src.txt", src >= 0);
    int dst = open(join(out, "copy.txt"), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    check("create out/copy.txt", dst >= 0);
    char buf[4096];
    long total = 0;
    ssize_t n;
    while ((n = read(src, buf, sizeof buf)) > 0) {
        if (write(dst, buf, (size_t)n) != n) failures++;
        total += n;
    }
    close(src);
    close(dst);
    printf("copied %ld bytes\n", total);

    check("rename in/moveme.txt -> out/moved.txt", rename(join(in, "moveme.txt"), join(out, "moved.txt")) == 0);
    check("link in/src.txt -> out/linked.txt", link(join(in, "src.txt"), join(out, "linked.txt")) == 0);
    struct stat a, b;
    stat(join(in, "src.txt"), &a);
    stat(join(out, "linked.txt"), &b);
    printf("linked: same inode %d, nlink %ld\n", a.st_ino == b.st_ino, (long)a.st_nlink);

    list("in after", in);
    list("out after", out);
    printf("failures: %d\n", failures);
    return failures ? 1 : 0;
}
