package io.cinnabar.scripting;

/**
 * Redis's rand48 (rand.c), which backs math.random in scripts: a 48-bit linear congruential
 * generator, so the same seed gives the same numbers as Redis on every platform.
 */
final class LuaRandom {
    private static final long MULTIPLIER = 0x5DEECE66DL;
    private static final long INCREMENT = 0xBL;
    private static final long MASK = (1L << 48) - 1;

    private long x = 0x1234ABCD330EL;

    /** redisLrand48: the next value in 0..2^31-1. */
    int next() {
        x = (x * MULTIPLIER + INCREMENT) & MASK;
        return (int) (x >>> 17);
    }

    /** redisSrand48. */
    void seed(int seed) {
        x = ((long) (seed >>> 16) << 32) | ((long) (seed & 0xFFFF) << 16) | 0x330EL;
    }
}
