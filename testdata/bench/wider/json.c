/* json: a JSON tokenizer/validator (strings with escapes, numbers parsed
   to double and int, nesting depth) over a generated document. A switch on
   the next byte, character classes, strtod-free number parsing. */
#include <stdio.h>
#include <string.h>
#include "common.h"

static char *doc;
static size_t dn;

static void gen(uint64_t *s, size_t cap) {
    size_t p = 0;
    doc[p++] = '[';
    while (p + 200 < cap) {
        uint64_t r = splitmix64(s);
        p += (size_t)sprintf(doc + p, "{\"id\":%u,\"name\":\"n\\u00e9m%u\\n\",\"score\":%d.%02u,\"tags\":[\"a\",\"bb\",%s],\"ok\":%s,\"x\":%de%d},",
                             (unsigned)(r & 0xfffff), (unsigned)(r >> 40), (int)((r >> 20) % 2000) - 1000, (unsigned)((r >> 8) % 100),
                             r & 1 ? "null" : "\"ccc\\\"d\"", r & 2 ? "true" : "false", (int)((r >> 30) % 90), (int)((r >> 50) % 9));
    }
    doc[p++] = '{'; doc[p++] = '}'; doc[p++] = ']';
    dn = p;
}

struct st { long strs, nums, objs, arrs, lits; double fsum; uint64_t isum, ssum; };

static int parse(struct st *st) {
    size_t i = 0; int depth = 0;
    while (i < dn) {
        char c = doc[i];
        switch (c) {
        case ' ': case '\n': case '\t': case '\r': case ',': case ':': i++; break;
        case '{': st->objs++; depth++; i++; break;
        case '[': st->arrs++; depth++; i++; break;
        case '}': case ']': depth--; i++; break;
        case '"': {
            i++;
            uint64_t h = 0;
            while (doc[i] != '"') {
                if (doc[i] == '\\') {
                    i++;
                    switch (doc[i]) {
                    case 'n': h = h * 31 + '\n'; i++; break;
                    case '"': case '\\': case '/': h = h * 31 + (uint8_t)doc[i]; i++; break;
                    case 'u': { unsigned v = 0; for (int k = 1; k <= 4; k++) { char d = doc[i + k]; v = v * 16 + (d <= '9' ? d - '0' : (d | 32) - 'a' + 10); } h = h * 31 + v; i += 5; break; }
                    default: return -1;
                    }
                } else h = h * 31 + (uint8_t)doc[i++];
            }
            i++; st->strs++; st->ssum += h;
            break;
        }
        case 't': if (memcmp(doc + i, "true", 4)) return -1; i += 4; st->lits++; break;
        case 'f': if (memcmp(doc + i, "false", 5)) return -1; i += 5; st->lits++; break;
        case 'n': if (memcmp(doc + i, "null", 4)) return -1; i += 4; st->lits++; break;
        default: {
            int neg = 0; if (c == '-') { neg = 1; i++; }
            if (doc[i] < '0' || doc[i] > '9') return -1;
            int64_t ip = 0; while (doc[i] >= '0' && doc[i] <= '9') ip = ip * 10 + (doc[i++] - '0');
            double v = (double)ip;
            if (doc[i] == '.') { double f = 0.1; i++; while (doc[i] >= '0' && doc[i] <= '9') { v += f * (doc[i++] - '0'); f *= 0.1; } }
            if (doc[i] == 'e' || doc[i] == 'E') { i++; int e = 0; while (doc[i] >= '0' && doc[i] <= '9') e = e * 10 + (doc[i++] - '0'); while (e--) v *= 10; }
            if (neg) { v = -v; ip = -ip; }
            st->nums++; st->fsum += v; st->isum += (uint64_t)ip;
        }
        }
    }
    return depth;
}

int main(int argc, char **argv) {
    long rounds = arg_size(argc, argv, 200);
    size_t cap = 1 << 20;
    doc = malloc(cap);
    uint64_t s = 9, sum = 0;
    gen(&s, cap);
    double fs = 0;
    for (long r = 0; r < rounds; r++) {
        struct st st = {0};
        doc[dn - 4] = r % 2 ? ' ' : ',';
        if (parse(&st) != 0) { printf("json ERROR\n"); return 1; }
        sum = mix64(sum, st.strs ^ st.nums << 8 ^ st.objs << 16 ^ st.arrs << 24 ^ (uint64_t)st.lits << 32 ^ st.isum ^ st.ssum);
        fs += st.fsum;
    }
    printf("json %ld %016llx %.3f\n", rounds, (unsigned long long)sum, fs);
    return 0;
}
