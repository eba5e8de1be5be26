/* mandel: the Mandelbrot set on a W x W grid, 256 iterations max, double
   precision, counting escape iterations. A tight float loop with a
   data-dependent exit. */
#include <stdio.h>
#include "common.h"

int main(int argc, char **argv) {
    long w = arg_size(argc, argv, 1000);
    uint64_t total = 0, h = 0;
    for (long py = 0; py < w; py++) {
        double ci = -1.5 + 3.0 * py / w;
        for (long px = 0; px < w; px++) {
            double cr = -2.2 + 3.0 * px / w, zr = 0, zi = 0, zr2 = 0, zi2 = 0;
            int it = 0;
            while (it < 256 && zr2 + zi2 <= 4.0) {
                zi = 2 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                zr2 = zr * zr; zi2 = zi * zi;
                it++;
            }
            total += (uint64_t)it;
            h = mix64(h, (uint64_t)it);
        }
    }
    printf("mandel %ld %llu %016llx\n", w, (unsigned long long)total, (unsigned long long)h);
    return 0;
}
