/* Times run(mem, steps), nbody's time step cut out of compiled code (see
 * run.sh): the 5 bodies of corpus/nbody.c, 7 doubles each, at 0xe80 of a
 * buffer standing for linear memory, as in the guest. Prints the best of
 * REPS runs in thread CPU milliseconds and the sum of the 35 doubles after
 * the last run, which tells a variant that still computes nbody from one
 * that does not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#define PI 3.141592653589793
#define SM (4 * PI * PI)
#define DPY 365.24
void run(char *mem, int steps);
static const double B[5][7] = {
    {0, 0, 0, 0, 0, 0, SM},
    {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
     1.66007664274403694e-03 * DPY, 7.69901118419740425e-03 * DPY, -6.90460016972063023e-05 * DPY,
     9.54791938424326609e-04 * SM},
    {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
     -2.76742510726862411e-03 * DPY, 4.99852801234917238e-03 * DPY, 2.30417297573763929e-05 * DPY,
     2.85885980666130812e-04 * SM},
    {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
     2.96460137564761618e-03 * DPY, 2.37847173959480950e-03 * DPY, -2.96589568540237556e-05 * DPY,
     4.36624404335156298e-05 * SM},
    {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
     2.68067772490389322e-03 * DPY, 1.62824170038242295e-03 * DPY, -9.51592254519715870e-05 * DPY,
     5.15138902046611451e-05 * SM}};

int main(int argc, char **argv) {
	if (argc != 3) {
		fprintf(stderr, "usage: %s STEPS REPS\n", argv[0]);
		return 2;
	}
	int steps = atoi(argv[1]), reps = atoi(argv[2]);
	char *mem = aligned_alloc(4096, 65536);
	memset(mem, 0, 65536);
	double best = 1e30;
	for (int r = 0; r < reps; r++) {
		memcpy(mem + 0xe80, B, sizeof B);
		struct timespec a, b;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
		run(mem, steps);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
		double ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) * 1e-6;
		if (ms < best)
			best = ms;
	}
	double sum = 0;
	for (int i = 0; i < 35; i++)
		sum += ((double *)(mem + 0xe80))[i];
	printf("%.3f ms checksum %.12g\n", best, sum);
	return 0;
}
