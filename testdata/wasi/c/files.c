/* files: file I/O inside a granted directory (argv[1]): create, write,
 * read back, seek/tell, pread/pwrite, truncate, stat sizes, append mode,
 * O_EXCL, and stdio on top. Reads seed.txt, which the harness puts there. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static long fsize(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    return (long)st.st_size;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: files DIR\n");
        return 2;
    }
    const char *dir = argv[1];
    const char *f = join(dir, "data.txt");
    char buf[256];

    /* Seeded by the harness: proves the guest sees host files. */
    int fd = open(join(dir, "seed.txt"), O_RDONLY);
    check("open seed.txt", fd >= 0);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("seed.txt: %zd bytes: %s", n, buf);
    close(fd);

    fd = open(f, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    check("create data.txt", fd >= 0);
    n = write(fd, "hello, file world\n", 18);
    printf("write: %zd\n", n);
    check("close", close(fd) == 0);
    printf("size after write: %ld\n", fsize(f));

    fd = open(f, O_RDWR);
    check("open O_RDWR", fd >= 0);
    n = read(fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("read back %zd: %s", n, buf);
    printf("read at EOF: %zd\n", read(fd, buf, 10));

    printf("lseek SET 7: %ld\n", (long)lseek(fd, 7, SEEK_SET));
    n = read(fd, buf, 4);
    buf[n > 0 ? n : 0] = 0;
    printf("read 4 at 7: %s\n", buf);
    printf("tell: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    printf("lseek CUR -3: %ld\n", (long)lseek(fd, -3, SEEK_CUR));
    printf("lseek END 0: %ld\n", (long)lseek(fd, 0, SEEK_END));
    errno = 0;
    expect_err("lseek to negative offset", (int)lseek(fd, -100, SEEK_SET));

    /* pwrite/pread use their own offset and leave the file position alone. */
    lseek(fd, 2, SEEK_SET);
    printf("pwrite: %zd\n", pwrite(fd, "HELLO", 5, 0));
    memset(buf, 0, sizeof buf);
    printf("pread: %zd\n", pread(fd, buf, 10, 0));
    printf("pread data: %s\n", buf);
    printf("position after pread/pwrite: %ld\n", (long)lseek(fd, 0, SEEK_CUR));

    check("ftruncate 5", ftruncate(fd, 5) == 0);
    printf("size after truncate: %ld\n", fsize(f));
    check("ftruncate 100", ftruncate(fd, 100) == 0);
    struct stat st;
    check("fstat", fstat(fd, &st) == 0);
    printf("fstat size: %ld, regular: %d\n", (long)st.st_size, S_ISREG(st.st_mode));
    memset(buf, 'x', sizeof buf);
    n = pread(fd, buf, 8, 50);
    printf("pread in hole: %zd bytes, all zero: %d\n", n,
           n == 8 && memcmp(buf, "\0\0\0\0\0\0\0\0", 8) == 0);
    close(fd);

    /* O_APPEND: writes go to the end even after seeking back. */
    check("truncate by path", truncate(f, 4) == 0);
    fd = open(f, O_WRONLY | O_APPEND);
    check("open O_APPEND", fd >= 0);
    lseek(fd, 0, SEEK_SET);
    n = write(fd, "+one", 4);
    n += write(fd, "+two", 4);
    printf("append wrote: %zd\n", n);
    close(fd);
    fd = open(f, O_RDONLY);
    n = read(fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("after append: %s (%zd bytes)\n", buf, n);
    close(fd);

    expect_err("O_CREAT|O_EXCL on existing", open(f, O_CREAT | O_EXCL | O_WRONLY, 0644));
    fd = open(join(dir, "excl.txt"), O_CREAT | O_EXCL | O_WRONLY, 0644);
    check("O_CREAT|O_EXCL on new", fd >= 0);
    close(fd);
    expect_err("open missing", open(join(dir, "missing.txt"), O_RDONLY));
    expect_err("open dir for writing", open(dir, O_WRONLY));
    expect_err("read from write-only fd", (fd = open(f, O_WRONLY), (int)read(fd, buf, 1)));
    close(fd);
    expect_err("read closed fd", (int)read(fd, buf, 1));

    /* stdio buffering over the same calls. */
    FILE *fp = fopen(join(dir, "lines.txt"), "w");
    check("fopen w", fp != NULL);
    for (int i = 1; i <= 100; i++) fprintf(fp, "line %03d\n", i);
    fclose(fp);
    printf("lines.txt size: %ld\n", fsize(join(dir, "lines.txt")));
    fp = fopen(join(dir, "lines.txt"), "r");
    int count = 0;
    char last[64] = "";
    while (fgets(buf, sizeof buf, fp)) {
        count++;
        strcpy(last, buf);
    }
    fclose(fp);
    printf("lines read: %d, last: %s", count, last);

    /* A file bigger than any single buffer. */
    fd = open(join(dir, "big.bin"), O_CREAT | O_RDWR | O_TRUNC, 0644);
    static unsigned char big[200000];
    for (size_t i = 0; i < sizeof big; i++) big[i] = (unsigned char)(i * 7 + i / 251);
    size_t done = 0;
    while (done < sizeof big) {
        n = write(fd, big + done, sizeof big - done);
        if (n <= 0) break;
        done += (size_t)n;
    }
    printf("big write: %zu\n", done);
    lseek(fd, 0, SEEK_SET);
    static unsigned char back[200000];
    done = 0;
    while (done < sizeof back) {
        n = read(fd, back + done, sizeof back - done);
        if (n <= 0) break;
        done += (size_t)n;
    }
    printf("big read: %zu, equal: %d\n", done, memcmp(big, back, sizeof big) == 0);
    close(fd);

    check("unlink big.bin", unlink(join(dir, "big.bin")) == 0);
    printf("failures: %d\n", failures);
    return failures ? 1 : 0;
}
