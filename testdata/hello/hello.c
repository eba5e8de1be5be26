/* hello: the `make demo` program. With no argument it greets the world;
 * with one it greets argv[1] from Lucet, so the demo shows arguments reach
 * the guest. */
#include <stdio.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        printf("Hello, world!\n");
        return 0;
    }
    printf("Hello from Lucet, %s!\n", argv[1]);
    return 0;
}
