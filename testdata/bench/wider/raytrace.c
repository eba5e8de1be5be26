/* raytrace: a small Whitted ray tracer (spheres, a plane, point light,
   shadows, reflections to depth 3) rendering a W x W image in double
   precision and summing the pixels. Float math through small structs
   passed by value, sqrt, calls, branches on hits. */
#include <stdio.h>
#include <math.h>
#include "common.h"

typedef struct { double x, y, z; } v3;
static v3 add(v3 a, v3 b) { return (v3){a.x + b.x, a.y + b.y, a.z + b.z}; }
static v3 sub(v3 a, v3 b) { return (v3){a.x - b.x, a.y - b.y, a.z - b.z}; }
static v3 mul(v3 a, double k) { return (v3){a.x * k, a.y * k, a.z * k}; }
static double dot(v3 a, v3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
static v3 norm(v3 a) { return mul(a, 1.0 / sqrt(dot(a, a))); }

typedef struct { v3 c; double r; v3 col; double refl; } sphere;
static sphere S[] = {
    {{0, -1, 3}, 1, {1, 0.2, 0.2}, 0.2}, {{2, 0, 4}, 1, {0.2, 0.2, 1}, 0.3},
    {{-2, 0, 4}, 1, {0.2, 1, 0.2}, 0.4}, {{0, 1.5, 6}, 1.5, {1, 1, 0.2}, 0.5},
    {{0, -5001, 0}, 5000, {0.9, 0.9, 0.9}, 0.1},
};
#define NS (int)(sizeof S / sizeof S[0])
static const v3 light = {2, 5, -2};

static int hit(v3 o, v3 d, double tmin, double *tout) {
    int best = -1; double bt = 1e30;
    for (int i = 0; i < NS; i++) {
        v3 oc = sub(o, S[i].c);
        double b = dot(oc, d), c = dot(oc, oc) - S[i].r * S[i].r, disc = b * b - c;
        if (disc < 0) continue;
        double sq = sqrt(disc), t = -b - sq;
        if (t < tmin) t = -b + sq;
        if (t >= tmin && t < bt) { bt = t; best = i; }
    }
    *tout = bt;
    return best;
}
static v3 trace(v3 o, v3 d, int depth) {
    double t;
    int i = hit(o, d, 1e-4, &t);
    if (i < 0) return (v3){0.1, 0.1, 0.15};
    v3 p = add(o, mul(d, t)), n = norm(sub(p, S[i].c)), l = norm(sub(light, p));
    double st, diff = dot(n, l);
    if (diff < 0) diff = 0;
    if (hit(p, l, 1e-4, &st) >= 0) diff *= 0.3;
    v3 h = norm(sub(l, d));
    double spec = dot(n, h); spec = spec > 0 ? pow(spec, 32) : 0;
    v3 col = add(mul(S[i].col, 0.1 + 0.9 * diff), (v3){spec, spec, spec});
    if (depth < 3 && S[i].refl > 0) {
        v3 r = sub(d, mul(n, 2 * dot(d, n)));
        col = add(mul(col, 1 - S[i].refl), mul(trace(p, r, depth + 1), S[i].refl));
    }
    return col;
}

int main(int argc, char **argv) {
    long w = arg_size(argc, argv, 800);
    double sum = 0;
    uint64_t h = 0;
    for (long y = 0; y < w; y++)
        for (long x = 0; x < w; x++) {
            v3 d = norm((v3){(x - w / 2.0) / w, (w / 2.0 - y) / w, 1});
            v3 c = trace((v3){0, 0, -1}, d, 0);
            sum += c.x + c.y + c.z;
            h = mix64(h, (uint64_t)(c.x * 255) << 16 | (uint64_t)(c.y * 255) << 8 | (uint64_t)(c.z * 255));
        }
    printf("raytrace %ld %.6f %016llx\n", w, sum, (unsigned long long)h);
    return 0;
}
