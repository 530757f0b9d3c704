/*
 * Evaluates the C library's sin, cos and asin on pseudo-random arguments spread over every
 * evaluation path of GlibcTrig (and a few ulps either side of every path boundary, grid point
 * and interval edge), for checking GlibcTrig against glibc bit for bit.
 *
 *   glibc_trig_vectors N SEED   writes N 18-byte records (function, path, argument and result as
 *                               little-endian doubles) to stdout, for GlibcTrigCheck; the
 *                               arguments are those GlibcTrigArguments (in Java) computes from SEED
 *
 * Build: gcc -O2 -o glibc_trig_vectors glibc_trig_vectors.c -lm
 * Functions: 0 sin, 1 cos, 2 asin. Paths are numbered as in the ranges below.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "splitmix64.h"

typedef struct { double lo, hi; } range;

static const range sin_paths[] = {{0x1p-30, 0x1p-26}, {0x1p-26, 0.126}, {0.126, 0.85546875}, {0.85546875, 2.4262650013}};
static const range cos_paths[] = {{0x1p-30, 0x1p-27}, {0x1p-27, 0.85546875}, {0.85546875, 1.4448}, {1.4448, 1.6968},
                                  {1.6968, 2.4262650013}};
static const range asin_paths[] = {{0x1p-30, 0x1p-26}, {0x1p-26, 0.125}, {0.125, 0.5}, {0.5, 0.75}, {0.75, 0.921875},
                                   {0.921875, 0.953125}, {0.953125, 0.96875}, {0.96875, 1.0}};

/* A point a few ulps from an edge of the path: a path boundary or, inside it, a table point. */
static double near_edge(int function, range r) {
    double edge;
    int pick = next_random() % 3;
    if (pick == 0) {
        edge = r.lo;
    } else if (pick == 1) {
        edge = r.hi;
    } else {
        double step = function == 2 ? 1.0 / 512 : 1.0 / 256;
        edge = floor(uniform(r.lo, r.hi) / step) * step;
        if (edge < r.lo) edge = r.lo;
    }
    int ulps = (int) (next_random() % 9) - 4;
    double x = edge;
    for (; ulps > 0; ulps--) x = nextafter(x, INFINITY);
    for (; ulps < 0; ulps++) x = nextafter(x, 0);
    return x;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s N SEED\n", argv[0]);
        return 2;
    }
    long n = atol(argv[1]);
    state = strtoull(argv[2], 0, 10);
    const range *paths[] = {sin_paths, cos_paths, asin_paths};
    const int counts[] = {4, 5, 8};
    for (long i = 0; i < n; i++) {
        unsigned char function = i % 3;
        unsigned char path = next_random() % counts[function];
        range r = paths[function][path];
        double x = (next_random() & 7) == 0 ? near_edge(function, r) : uniform(r.lo, r.hi);
        if (x > 1 && function == 2) x = 1;
        if (next_random() & 1) x = -x;
        double y = function == 0 ? sin(x) : function == 1 ? cos(x) : asin(x);
        unsigned char record[18];
        record[0] = function;
        record[1] = path;
        memcpy(record + 2, &x, 8);
        memcpy(record + 10, &y, 8);
        fwrite(record, 1, sizeof record, stdout);
    }
    return 0;
}
