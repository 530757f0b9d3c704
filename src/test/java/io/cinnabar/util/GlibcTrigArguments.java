package io.cinnabar.util;

/**
 * The argument sequence of src/test/c/glibc_trig_vectors.c, computed the same way in Java so
 * that test vectors need not store their arguments: the same splitmix64 generator, the same
 * paths and the same double arithmetic.
 */
final class GlibcTrigArguments {
    static final double[][] SIN_PATHS = {{0x1p-30, 0x1p-26}, {0x1p-26, 0.126}, {0.126, 0.85546875}, {0.85546875, 2.4262650013}};
    static final double[][] COS_PATHS = {{0x1p-30, 0x1p-27}, {0x1p-27, 0.85546875}, {0.85546875, 1.4448}, {1.4448, 1.6968},
        {1.6968, 2.4262650013}};
    static final double[][] ASIN_PATHS = {{0x1p-30, 0x1p-26}, {0x1p-26, 0.125}, {0.125, 0.5}, {0.5, 0.75}, {0.75, 0.921875},
        {0.921875, 0.953125}, {0.953125, 0.96875}, {0.96875, 1.0}};
    private static final double[][][] PATHS = {SIN_PATHS, COS_PATHS, ASIN_PATHS};

    private long state;
    private long index;
    /** The last argument's function (0 sin, 1 cos, 2 asin) and path. */
    int function;
    int path;

    GlibcTrigArguments(long seed) {
        state = seed;
    }

    private long nextRandom() {
        long z = state += 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private double uniform(double lo, double hi) {
        return lo + (hi - lo) * ((nextRandom() >>> 11) * 0x1p-53);
    }

    private double nearEdge(double[] range) {
        double edge;
        long pick = Long.remainderUnsigned(nextRandom(), 3);
        if (pick == 0) {
            edge = range[0];
        } else if (pick == 1) {
            edge = range[1];
        } else {
            double step = function == 2 ? 1.0 / 512 : 1.0 / 256;
            edge = Math.floor(uniform(range[0], range[1]) / step) * step;
            if (edge < range[0]) {
                edge = range[0];
            }
        }
        int ulps = (int) Long.remainderUnsigned(nextRandom(), 9) - 4;
        double x = edge;
        for (; ulps > 0; ulps--) {
            x = Math.nextUp(x);
        }
        for (; ulps < 0; ulps++) {
            x = Math.nextAfter(x, 0.0);
        }
        return x;
    }

    /** The next argument; {@link #function} and {@link #path} say what it is for. */
    double next() {
        function = (int) (index++ % 3);
        double[][] paths = PATHS[function];
        path = (int) Long.remainderUnsigned(nextRandom(), paths.length);
        double[] range = paths[path];
        double x = (nextRandom() & 7) == 0 ? nearEdge(range) : uniform(range[0], range[1]);
        if (x > 1 && function == 2) {
            x = 1;
        }
        if ((nextRandom() & 1) != 0) {
            x = -x;
        }
        return x;
    }

    /** StrictMath's value of the last argument's function, the base the vectors store glibc's against. */
    double strictValue(double x) {
        return function == 0 ? StrictMath.sin(x) : function == 1 ? StrictMath.cos(x) : StrictMath.asin(x);
    }
}
