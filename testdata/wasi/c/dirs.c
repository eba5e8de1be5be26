/* dirs: directory operations inside a granted directory (argv[1]): mkdir,
 * readdir (printed sorted, since order is the host filesystem's), rmdir,
 * rename, unlink, symlink + readlink, hard links. The harness seeds
 * tree/a.txt, tree/b.txt and tree/sub/c.txt. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a + 2, *(char *const *)b + 2);
}

/* list prints the entries of path except . and .., sorted, with a type
 * letter from d_type (d, f, l) cross-checked against lstat. */
static void list(const char *path) {
    DIR *d = opendir(path);
    if (!d) {
        printf("  opendir: %s\n", errname(errno));
        failures++;
        return;
    }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char t = e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f' : e->d_type == DT_LNK ? 'l' : '?';
        char *s = malloc(strlen(e->d_name) + 3);
        sprintf(s, "%c %s", t, e->d_name);
        names[n++] = s;
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp);
    printf("  %d entries\n", n);
    for (int i = 0; i < n; i++) {
        struct stat st;
        char t = '?';
        if (lstat(join(path, names[i] + 2), &st) == 0)
            t = S_ISDIR(st.st_mode) ? 'd' : S_ISREG(st.st_mode) ? 'f' : S_ISLNK(st.st_mode) ? 'l' : '?';
        printf("  %s%s\n", names[i], t == names[i][0] ? "" : " (lstat disagrees)");
        free(names[i]);
    }
}

static void put(const char *path, const char *s) {
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s)) failures++;
    close(fd);
}

static void cat(const char *label, const char *path) {
    char buf[128];
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("%s: %s\n", label, errname(errno));
        return;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    printf("%s: %s\n", label, buf);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: dirs DIR\n");
        return 2;
    }
    const char *dir = argv[1];
    const char *tree = join(dir, "tree");

    printf("seeded tree:\n");
    list(tree);
    printf("seeded tree/sub:\n");
    list(join(tree, "sub"));

    check("mkdir new", mkdir(join(dir, "new"), 0755) == 0);
    expect_err("mkdir existing", mkdir(join(dir, "new"), 0755));
    check("mkdir new/inner", mkdir(join(dir, "new/inner"), 0755) == 0);
    expect_err("mkdir missing parent", mkdir(join(dir, "nope/inner"), 0755));
    put(join(dir, "new/one.txt"), "one");
    put(join(dir, "new/two.txt"), "two");
    printf("new:\n");
    list(join(dir, "new"));

    struct stat st;
    check("stat new is dir", stat(join(dir, "new"), &st) == 0 && S_ISDIR(st.st_mode));
    expect_err("rmdir non-empty", rmdir(join(dir, "new")));
    expect_err("rmdir a file", rmdir(join(dir, "new/one.txt")));
    expect_err("open file as dir", open(join(dir, "new/one.txt/x"), O_RDONLY));
    expect_err("rmdir missing", rmdir(join(dir, "new/missing")));
    check("rmdir empty", rmdir(join(dir, "new/inner")) == 0);
    expect_err("stat removed dir", stat(join(dir, "new/inner"), &st));

    check("rename file", rename(join(dir, "new/one.txt"), join(dir, "new/uno.txt")) == 0);
    cat("renamed content", join(dir, "new/uno.txt"));
    expect_err("stat old name", stat(join(dir, "new/one.txt"), &st));
    check("rename over existing", rename(join(dir, "new/two.txt"), join(dir, "new/uno.txt")) == 0);
    cat("replaced content", join(dir, "new/uno.txt"));
    check("rename dir", rename(join(dir, "new"), join(dir, "renamed")) == 0);
    printf("renamed:\n");
    list(join(dir, "renamed"));
    expect_err("rename missing", rename(join(dir, "nothing"), join(dir, "other")));

    check("unlink", unlink(join(dir, "renamed/uno.txt")) == 0);
    expect_err("unlink again", unlink(join(dir, "renamed/uno.txt")));
    check("rmdir now empty", rmdir(join(dir, "renamed")) == 0);

    /* Symlinks: relative targets inside the directory. */
    check("symlink", symlink("tree/a.txt", join(dir, "link")) == 0);
    char target[128];
    ssize_t n = readlink(join(dir, "link"), target, sizeof target - 1);
    target[n > 0 ? n : 0] = 0;
    printf("readlink: %zd %s\n", n, target);
    check("lstat is link", lstat(join(dir, "link"), &st) == 0 && S_ISLNK(st.st_mode));
    check("stat follows link", stat(join(dir, "link"), &st) == 0 && S_ISREG(st.st_mode));
    printf("size through link: %ld\n", (long)st.st_size);
    cat("read through link", join(dir, "link"));
    expect_err("readlink on a file", (int)readlink(join(dir, "tree/a.txt"), target, sizeof target));
    check("dangling symlink", symlink("does-not-exist", join(dir, "dangling")) == 0);
    expect_err("open dangling", open(join(dir, "dangling"), O_RDONLY));
    check("lstat dangling", lstat(join(dir, "dangling"), &st) == 0 && S_ISLNK(st.st_mode));
    check("symlink to dir", symlink("tree/sub", join(dir, "sublink")) == 0);
    cat("read via dir link", join(dir, "sublink/c.txt"));
    expect_err("symlink over existing", symlink("x", join(dir, "link")));

    /* Hard links share the inode. */
    check("link", link(join(dir, "tree/b.txt"), join(dir, "hard")) == 0);
    struct stat a, b;
    stat(join(dir, "tree/b.txt"), &a);
    stat(join(dir, "hard"), &b);
    printf("nlink: %ld, same inode: %d\n", (long)a.st_nlink, a.st_ino == b.st_ino);
    put(join(dir, "hard"), "changed via hard link");
    cat("original after write via link", join(dir, "tree/b.txt"));
    check("unlink hard", unlink(join(dir, "hard")) == 0);
    stat(join(dir, "tree/b.txt"), &a);
    printf("nlink after unlink: %ld\n", (long)a.st_nlink);
    expect_err("link to existing name", link(join(dir, "tree/a.txt"), join(dir, "tree/b.txt")));

    check("unlink symlink", unlink(join(dir, "link")) == 0);
    check("target survives", stat(join(dir, "tree/a.txt"), &st) == 0);
    unlink(join(dir, "dangling"));
    unlink(join(dir, "sublink"));

    printf("final:\n");
    list(dir);
    printf("failures: %d\n", failures);
    return failures ? 1 : 0;
}
