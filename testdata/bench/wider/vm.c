/* vm: a register-machine bytecode interpreter (32-bit instructions,
   opcode in the low byte, three 8-bit register fields) running a program
   that computes primes by trial division, a Collatz walk and a small
   memory scan. A switch on the opcode (br_table), field extraction,
   register file in memory. Different from the corpus's interp.c (a stack
   machine). */
#include <stdio.h>
#include "common.h"

enum { LI, ADD, SUB, MUL, DIVU, REMU, AND, SHR, LT, JMP, JZ, JNZ, LD, ST, ADDI, HALT };
#define I(op, a, b, c) ((uint32_t)(op) | (uint32_t)(a) << 8 | (uint32_t)(b) << 16 | (uint32_t)(c) << 24)

static int64_t run(const uint32_t *code, int64_t *mem, int64_t n) {
    int64_t r[16] = {0};
    r[1] = n;
    uint32_t pc = 0;
    for (;;) {
        uint32_t in = code[pc++];
        uint32_t a = (in >> 8) & 15, b = (in >> 16) & 15, c = in >> 24;
        switch (in & 0xff) {
        case LI: r[a] = (int8_t)(in >> 16); break;
        case ADD: r[a] = r[b] + r[c]; break;
        case SUB: r[a] = r[b] - r[c]; break;
        case MUL: r[a] = r[b] * r[c]; break;
        case DIVU: r[a] = (int64_t)((uint64_t)r[b] / (uint64_t)(r[c] | 1)); break;
        case REMU: r[a] = (int64_t)((uint64_t)r[b] % (uint64_t)(r[c] | 1)); break;
        case AND: r[a] = r[b] & r[c]; break;
        case SHR: r[a] = (int64_t)((uint64_t)r[b] >> (r[c] & 63)); break;
        case LT: r[a] = r[b] < r[c]; break;
        case JMP: pc = in >> 8; break;
        case JZ: if (!r[a]) pc = in >> 16; break;
        case JNZ: if (r[a]) pc = in >> 16; break;
        case LD: r[a] = mem[(r[b] + c) & 1023]; break;
        case ST: mem[(r[b] + c) & 1023] = r[a]; break;
        case ADDI: r[a] = r[b] + (int8_t)c; break;
        case HALT: return r[0];
        }
    }
}

int main(int argc, char **argv) {
    long n = arg_size(argc, argv, 30000);
    /* r0 acc, r1 n, r2 i, r3 d, r4 tmp, r5 t2, r6 one, r7 x */
    static const uint32_t prog[] = {
        /* 0 */ I(LI, 0, 0, 0), I(LI, 2, 2, 0), I(LI, 6, 1, 0),
        /* 3 outer: i < n ? */ I(LT, 4, 2, 1), I(JZ, 4, 22, 0),
        /* 5 */ I(LI, 3, 2, 0),
        /* 6 inner: d*d <= i ? */ I(MUL, 5, 3, 3), I(LT, 4, 2, 5), I(JNZ, 4, 13, 0),
        /* 9 */ I(REMU, 5, 2, 3), I(JZ, 5, 18, 0), I(ADDI, 3, 3, 1), I(JMP, 6, 0, 0),
        /* 13 prime: acc += i; collatz step on x */ I(ADD, 0, 0, 2), I(ST, 2, 2, 0), I(LD, 7, 2, 3),
        /* 16 */ I(ADD, 0, 0, 7), I(AND, 7, 2, 6),
        /* 18 next */ I(ADDI, 2, 2, 1), I(SHR, 5, 0, 6), I(ADD, 0, 0, 5), I(JMP, 3, 0, 0),
        /* 22 */ I(HALT, 0, 0, 0),
    };
    static int64_t mem[1024];
    uint64_t h = 0;
    for (int rep = 0; rep < 10; rep++) h = mix64(h, (uint64_t)run(prog, mem, n + rep));
    printf("vm %ld %016llx\n", n, (unsigned long long)h);
    return 0;
}
