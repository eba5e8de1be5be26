/* sandbox: tries to reach host files outside the one granted directory
 * (argv[1]) and prints the errno name for each attempt; every one must fail.
 * The harness seeds, inside the granted directory: inside.txt, sub/, and
 * symlinks root -> /, up -> .., passwd -> /etc/passwd, in -> sub/../inside.txt;
 * and next to it (outside the grant) a file named outside. It checks
 * afterwards that nothing outside changed. Operations that stay inside,
 * including ".." that does not leave the directory, must work.
 * `sandbox no-grant` is for a run with no directory granted at all:
 * every path must be refused and fd 3 (the first preopen) must not exist. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static void readok(const char *label, const char *path) {
    char buf[64];
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("%s: FAIL (%s)\n", label, errname(errno));
        failures++;
        return;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    printf("%s: OK [%s]\n", label, buf);
}

static int opendir_ret(const char *path) {
    DIR *d = opendir(path);
    if (!d) return -1;
    closedir(d);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: sandbox DIR\n");
        return 2;
    }
    const char *dir = argv[1];
    struct stat st;
    char buf[64];

    if (!strcmp(dir, "no-grant")) {
        expect_err("open /sandbox/inside.txt", open("/sandbox/inside.txt", O_RDONLY));
        expect_err("open inside.txt", open("inside.txt", O_RDONLY));
        expect_err("open /", open("/", O_RDONLY));
        expect_err("opendir .", opendir_ret("."));
        expect_err("create made.txt", open("made.txt", O_CREAT | O_WRONLY, 0644));
        expect_err("stat /tmp", stat("/tmp", &st));
        expect_err("fstat fd 3", fstat(3, &st));
        printf("failures: %d\n", failures);
        return failures ? 1 : 0;
    }

    printf("-- inside the grant\n");
    readok("read inside.txt", join(dir, "inside.txt"));
    readok("read sub/../inside.txt", join(dir, "sub/../inside.txt"));
    readok("read through symlink in", join(dir, "in"));
    check("stat .", stat(join(dir, "."), &st) == 0 && S_ISDIR(st.st_mode));
    ssize_t n = readlink(join(dir, "root"), buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("readlink root: %s\n", n >= 0 ? buf : errname(errno));
    check("create inside", (close(open(join(dir, "made.txt"), O_CREAT | O_WRONLY, 0644)), stat(join(dir, "made.txt"), &st) == 0));

    printf("-- reads that must be refused\n");
    expect_err("open /etc/passwd", open("/etc/passwd", O_RDONLY));
    expect_err("open DIR/../outside", open(join(dir, "../outside"), O_RDONLY));
    expect_err("open DIR/sub/../../outside", open(join(dir, "sub/../../outside"), O_RDONLY));
    expect_err("open via symlink to / (root/etc/passwd)", open(join(dir, "root/etc/passwd"), O_RDONLY));
    expect_err("open via symlink to .. (up/outside)", open(join(dir, "up/outside"), O_RDONLY));
    expect_err("open symlink to /etc/passwd", open(join(dir, "passwd"), O_RDONLY));
    expect_err("stat up/outside", stat(join(dir, "up/outside"), &st));
    expect_err("stat root/etc", stat(join(dir, "root/etc"), &st));
    expect_err("opendir DIR/..", opendir_ret(join(dir, "..")));
    expect_err("opendir root", opendir_ret(join(dir, "root")));
    expect_err("opendir up", opendir_ret(join(dir, "up")));
    expect_err("opendir /", opendir_ret("/"));
    expect_err("stat /etc", stat("/etc", &st));

    printf("-- writes that must be refused\n");
    expect_err("create DIR/../created", open(join(dir, "../created"), O_CREAT | O_WRONLY, 0644));
    expect_err("create up/created", open(join(dir, "up/created"), O_CREAT | O_WRONLY, 0644));
    expect_err("truncate up/outside", open(join(dir, "up/outside"), O_WRONLY | O_TRUNC));
    expect_err("mkdir DIR/../newdir", mkdir(join(dir, "../newdir"), 0755));
    expect_err("mkdir up/newdir", mkdir(join(dir, "up/newdir"), 0755));
    expect_err("symlink at DIR/../evil", symlink("sandbox", join(dir, "../evil")));
    expect_err("rename made.txt to DIR/../moved", rename(join(dir, "made.txt"), join(dir, "../moved")));
    expect_err("rename DIR/../outside in", rename(join(dir, "../outside"), join(dir, "stolen")));
    expect_err("link made.txt to DIR/../hard", link(join(dir, "made.txt"), join(dir, "../hard")));
    expect_err("link DIR/../outside in", link(join(dir, "../outside"), join(dir, "stolen")));
    expect_err("unlink DIR/../outside", unlink(join(dir, "../outside")));
    expect_err("unlink up/outside", unlink(join(dir, "up/outside")));

    printf("-- descriptors that were never granted\n");
    expect_err("fstat fd 100", fstat(100, &st));
    expect_err("read fd 100", (int)read(100, buf, 1));
    expect_err("close fd 100", close(100));

    printf("failures: %d\n", failures);
    return failures ? 1 : 0;
}
