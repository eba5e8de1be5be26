#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <time.h>
uint64_t run(long w);
static double now(void){struct timespec t;clock_gettime(CLOCK_THREAD_CPUTIME_ID,&t);return t.tv_sec*1e3+t.tv_nsec/1e6;}
int main(int argc,char**argv){long w=atol(argv[1]);int reps=atoi(argv[2]);double best=1e30;uint64_t r=0;
for(int i=0;i<reps;i++){double t0=now();r=run(w);double t=now()-t0;if(t<best)best=t;}
printf("%.2f %llu\n",best,(unsigned long long)r);return 0;}
