/*
 * Asks the C library for sin, cos or asin at pseudo-random arguments of one range, the oracle
 * GlibcTrigFit fits GlibcTrig's polynomial coefficients to.
 *
 *   glibc_fit_probe FUNCTION N SEED LO HI   writes N 16-byte records (argument, result as
 *                                           little-endian doubles) to stdout, the arguments
 *                                           uniform in [LO, HI); FUNCTION is sin, cos or asin
 *
 * Build: gcc -O2 -o glibc_fit_probe glibc_fit_probe.c -lm
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "splitmix64.h"

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s sin|cos|asin N SEED LO HI\n", argv[0]);
        return 2;
    }
    double (*function)(double) = strcmp(argv[1], "sin") == 0 ? sin : strcmp(argv[1], "cos") == 0 ? cos
                               : strcmp(argv[1], "asin") == 0 ? asin : 0;
    if (!function) {
        fprintf(stderr, "unknown function %s\n", argv[1]);
        return 2;
    }
    long n = atol(argv[2]);
    state = strtoull(argv[3], 0, 10);
    double lo = strtod(argv[4], 0), hi = strtod(argv[5], 0);
    static double buffer[2 * 4096];
    int filled = 0;
    for (long i = 0; i < n; i++) {
        double x = uniform(lo, hi);
        buffer[filled++] = x;
        buffer[filled++] = function(x);
        if (filled == 2 * 4096 || i == n - 1) {
            fwrite(buffer, sizeof(double), filled, stdout);
            filled = 0;
        }
    }
    return 0;
}
