/* The splitmix64 generator the probes draw arguments from (GlibcTrigArguments repeats it in Java). */
#include <stdint.h>

static uint64_t state;

static uint64_t next_random(void) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi). */
static double uniform(double lo, double hi) {
    return lo + (hi - lo) * ((next_random() >> 11) * 0x1p-53);
}
