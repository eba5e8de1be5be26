/* random: getentropy (random_get) returns fresh bytes. */
#include <unistd.h>

#include "common.h"

int main(void) {
    unsigned char a[512], b[256];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    check("getentropy 256", getentropy(a, 256) == 0);
    check("getentropy 256 again", getentropy(b, sizeof b) == 0);
    int zeros = 0;
    for (size_t i = 0; i < 256; i++) zeros += a[i] == 0;
    printf("not all zero: %s\n", zeros < 256 ? "yes" : "no");
    /* 256 uniform bytes have ~1 zero; 32 would mean a broken source. */
    printf("few zero bytes: %s\n", zeros < 32 ? "yes" : "no");
    printf("two draws differ: %s\n", memcmp(a, b, 256) ? "yes" : "no");
    errno = 0;
    expect_err("getentropy over 256 bytes", getentropy(a, 257));
    return failures ? 1 : 0;
}
