package io.cinnabar.util;

import java.math.BigInteger;

/**
 * sin, cos and asin evaluated the way GNU libc evaluates them on x86-64 with FMA (the
 * {@code __sin_fma}, {@code __cos_fma} and {@code __ieee754_asin_fma} variants its ifunc picks on
 * every x86-64 CPU since Haswell), for Redis's geo distances.
 *
 * <p>Which Redis: Redis calls the platform libm, so there is no platform-independent "Redis's
 * bits". Redis built against musl, macOS's libm or another glibc gives other last bits: glibc
 * before 2.34 still had asin's slow correctly rounding paths, sin and cos before 2.28 theirs, and
 * the same glibc on a CPU without FMA (or with {@code GLIBC_TUNABLES=glibc.cpu.hwcaps=-FMA})
 * runs the unfused build, which differs from the fused one in up to 12 results in 10^4. We follow
 * glibc 2.34+ with FMA because the official Docker image (Debian 12, glibc 2.36) and the
 * Debian/Ubuntu packages use it on today's servers. Checked against glibc 2.36; the arithmetic
 * is the same in glibc's 2019 and 2023 sources of sin/cos and in its 2023 source of asin.
 *
 * <p>The algorithms (arithmetic, re-derived and written here): sin and cos split |x| at the
 * nearest multiple of 1/128 and combine head and tail sin/cos of that grid point with short
 * polynomials in the remainder; below 0.126 sin is an odd polynomial; from 0.855 on, the
 * argument is reflected through pi/2 in double-double. asin is an odd polynomial below 0.125,
 * an expansion around the centre of each 1/256 interval up to 0.96875, and
 * {@code pi/2 - 2 asin(sqrt((1 - x) / 2))} with a Newton square root above. Each product-sum is
 * fused where GCC fused it in the FMA build (read from the machine code): fused and unfused
 * evaluations differ in the last bit.
 *
 * <p>Coefficients: glibc's polynomial coefficients are minimax-tuned (they come from IBM's
 * Accurate Mathematical Library and follow from no derivation we can repeat), and its source is
 * not where ours come from. Where we have them, they are recovered from glibc's outputs alone:
 * GlibcTrigFit (src/test/java, with the probe src/test/c/glibc_fit_probe.c) asks this machine's
 * libm (glibc 2.36) for results and solves for doubles that make our evaluation reproduce them;
 * anyone can rerun it. Fitted so far: asin's series (F1..F6, below 0.125 and in the square root
 * branch), which then matched glibc on 200 million fresh arguments of each branch but 2 below
 * 0.125 (the reciprocal square root's RT0..RT3 stay Taylor's, and the square root branch matched
 * on all of them with those), and
 * sin's series below 0.126 (S1..S5, which cos uses within 0.126 of pi/2), which matched glibc on
 * all of 100 million arguments of sin and of cos (see GlibcTrigTest for the rates on other
 * arguments), and the grid paths' sin series (SN3 SN5, fitted by GlibcTrigFit grid-sin-series:
 * then 0 of 10^7 fresh arguments differed on each of the 7 grid ranges, sin and cos, direct,
 * reflected and reduced, where Taylor's SN3 SN5 missed 5 to 35), and asin's expansions on the
 * 1/256 intervals of [0.125, 0.96875) (all 216 fitted by GlibcTrigIntervalFit, listed in
 * glibc-asin-expansions.txt: first 208 from Taylor's, where Taylor's missed 15 to 23000 in 10^6;
 * then the 8 left, whose Taylor's expansion missed 1 to 10 in 10^7; then the 84 rows that still
 * missed 2 or more in 10^6 refitted from themselves over 2 * 10^7 more arguments each, 71 of
 * them replaced: on 10^6 fresh arguments per interval, 201 of the 216 million then differed, at
 * most 8 on an interval and none on 112, where the rows before missed 552, up to 67). The rest
 * are still Taylor's
 * (every table: grid sin/cos, interval centres, expansion heads, square root seeds, pi/2, is
 * computed by {@link GlibcTrigTables} and equals glibc's): the grid paths' cos series (CS2 CS4
 * CS6: GlibcTrigFit grid-cos-series finds no change that reproduces more of glibc's results, and
 * with the fitted SN3 SN5 they reproduced all of the 7 * 10^7) and the reciprocal square root's
 * RT0..RT3, which asin's results do not reveal: the Newton step after them absorbs their error
 * (GlibcTrigFit root-series: RT0 moved by 2^24 doubles either way changed none of 10^7 results,
 * by 2^28 one; with Taylor's none of the 10^7 differed from glibc), so any values near Taylor's
 * are glibc's as far as asin shows. The expansions' residue costs the last bit in about 1 asin
 * result in 10^6 on [0.125, 0.96875).
 * With glibc's values put in, this code matched glibc on 60 million arguments over every path.
 *
 * <p>Ranges: cos for |x| &lt; 2.426265 (latitudes up to 85.05 degrees), sin for |x| &lt; 5 pi / 4
 * (half-differences of longitudes reach pi when two points straddle the antimeridian; from
 * 2.426265 on glibc reduces the argument by pi, as this class does, to double-double precision:
 * 1 of 8 * 10^7 sin results there differed from glibc's, where glibc's reduced argument has a
 * head one ulp from ours: the reduction is not quite glibc's), asin on
 * [-1, 1]. Beyond, sin and cos fall back to {@link Math}: geo only goes there in the bounding-box
 * cosine of latitude plus or minus a radius of thousands of kilometres, where a last bit would
 * have to land exactly on a cell edge to change which cells are searched.
 */
public final class GlibcTrig {
    private GlibcTrig() {}

    /** pi/2 as head and tail. */
    static final double HP0;
    static final double HP1;
    /** 1.5 * 2^45: adding it rounds a value below 2^32/128 to a multiple of 1/128. */
    private static final double TO_GRID = 0x1.8p45;
    /** 2^24: adding and subtracting it keeps the high half of a square root's bits. */
    private static final double SPLIT = 0x1p24;

    // Series coefficients: fitted to glibc's outputs, or Taylor's where not yet (see the class comment).
    /**
     * sin x = x + x^3 (S1 + x^2 (S2 + ...)) below 0.126: S1..S5, fitted to glibc 2.36's sin and
     * cos by GlibcTrigFit (sin-series).
     */
    static final double[] SIN_SERIES = {
        -0x1.5555555555555p-3, 0x1.1111111110ecep-7, -0x1.a01a019db09a3p-13, 0x1.71de27bce3f58p-19, -0x1.ade04fff63494p-26};
    /**
     * The grid paths' short series in rr = r^2 for the remainder |r| &lt;= 1/256 past a grid point:
     * sin r = r + r^3 sin(rr) and 1 - cos r = rr cos(rr). An interface so that GlibcTrigFit can put
     * a value of its choosing in one series' place; sin and cos use {@link #GRID_SERIES}.
     */
    interface GridSeries {
        double sin(double rr);

        double cos(double rr);
    }

    /** sin(rr) = SN3 + rr SN5 and cos(rr) = CS2 + rr (CS4 + rr CS6), fused at every step. */
    record GridCoefficients(double sn3, double sn5, double cs2, double cs4, double cs6) implements GridSeries {
        @Override
        public double sin(double rr) {
            return Math.fma(sn5, rr, sn3);
        }

        @Override
        public double cos(double rr) {
            return Math.fma(Math.fma(cs6, rr, cs4), rr, cs2);
        }
    }

    /**
     * SN3 SN5 CS2 CS4 CS6: SN3 and SN5 fitted to glibc 2.36's sin and cos by GlibcTrigFit
     * (grid-sin-series); CS2 CS4 CS6 Taylor's, which GlibcTrigFit (grid-cos-series) keeps.
     */
    static final GridCoefficients GRID_SERIES = new GridCoefficients(-0x1.5555555555514p-3, 0x1.11110e810060dp-7,
            -GlibcTrigTables.sinCosSeriesCoefficient(2),
            -GlibcTrigTables.sinCosSeriesCoefficient(4), -GlibcTrigTables.sinCosSeriesCoefficient(6));
    /**
     * asin x = x + x^3 (F1 + x^2 (F2 + ...)), below 0.125 and for the square root branch: F1..F6,
     * fitted to glibc 2.36's asin by GlibcTrigFit (asin-series; see GlibcTrigTest for how well).
     */
    static final double[] ASIN_SERIES = {
        0x1.55555555554f9p-3, 0x1.333333336127dp-4, 0x1.6db6dae42c0e4p-5,
        0x1.f1c7e04f4ac4fp-6, 0x1.6e442c823de6bp-6, 0x1.292d80f129f6dp-6};
    /**
     * (1 - r)^(-1/2), which refines a reciprocal square root seed: RT0..RT3, Taylor's (asin's
     * results do not depend on their last bits; see the class comment).
     */
    static final double[] ROOT_SERIES = {
        GlibcTrigTables.reciprocalSqrtSeriesCoefficient(0), GlibcTrigTables.reciprocalSqrtSeriesCoefficient(1),
        GlibcTrigTables.reciprocalSqrtSeriesCoefficient(2), GlibcTrigTables.reciprocalSqrtSeriesCoefficient(3)};

    /** sin(i/128) head and tail, cos(i/128) head and tail, for i = 0..110. */
    private static final double[] GRID = new double[111 * 4];

    static {
        BigInteger halfPi = GlibcTrigTables.pi().shiftRight(1);
        HP0 = GlibcTrigTables.nearest(halfPi);
        HP1 = GlibcTrigTables.tail(halfPi, HP0);
        for (int i = 0; i < GRID.length / 4; i++) {
            BigInteger x = GlibcTrigTables.dyadic(i, 7);
            BigInteger sin = GlibcTrigTables.sinOrCos(x, true);
            BigInteger cos = GlibcTrigTables.sinOrCos(x, false);
            GRID[4 * i] = GlibcTrigTables.nearest(sin);
            GRID[4 * i + 1] = GlibcTrigTables.tail(sin, GRID[4 * i]);
            GRID[4 * i + 2] = GlibcTrigTables.nearest(cos);
            GRID[4 * i + 3] = GlibcTrigTables.tail(cos, GRID[4 * i + 2]);
        }
    }

    /**
     * asin's tables, built on first use: most geo searches never need them (they only serve
     * roots from 0.5, points about 6,700 km or more apart), and building them takes a tenth of a
     * second.
     */
    static final class AsinTables {
        /** 1/sqrt of the centres of [0.5, 1) in 64 steps then [1, 2) in 64 steps. */
        static final double[] ROOT_SEEDS = new double[128];

        /** Intervals of 1/256 from 0.125 to 0.96875. */
        static final int INTERVALS = 216;
        /**
         * For interval g: its centre x0, asin's expansion c1..cN around x0 (fitted where
         * {@link GlibcTrigTables#asinExpansions} has it, else Taylor's), then its constant term's
         * tail and head, the
         * head asin(x0) rounded to a multiple of 2^-51; N = 6 up to 0.5, 7 up to 0.75, 8 up to
         * 0.921875, 9, then 10.
         */
        static final double[] TABLE;
        static final int[] OFFSET = new int[INTERVALS];
        static final int[] DEGREE = new int[INTERVALS];
        /** Whether interval g's expansion is fitted to glibc's (else it is Taylor's). */
        static final boolean[] FITTED = new boolean[INTERVALS];

        static {
            for (int i = 0; i < 128; i++) {
                BigInteger centre = i < 64 ? GlibcTrigTables.dyadic(2 * i + 129, 8) : GlibcTrigTables.dyadic(2 * (i - 64) + 129, 7);
                ROOT_SEEDS[i] = GlibcTrigTables.reciprocalSqrtSeed(centre);
            }
            int size = 0;
            for (int g = 0; g < INTERVALS; g++) {
                DEGREE[g] = g < 96 ? 6 : g < 160 ? 7 : g < 204 ? 8 : g < 212 ? 9 : 10;
                OFFSET[g] = size;
                size += DEGREE[g] + 3;
            }
            TABLE = new double[size];
            double[][] fitted = GlibcTrigTables.asinExpansions(INTERVALS);
            for (int g = 0; g < INTERVALS; g++) {
                int degree = DEGREE[g];
                int at = OFFSET[g];
                FITTED[g] = fitted[g] != null;
                double[] expansion = FITTED[g] ? fitted[g] : taylorExpansion(g);
                TABLE[at] = GlibcTrigTables.nearest(centre(g));
                TABLE[at + 1] = expansion[0];
                for (int k = 2; k <= degree; k++) {
                    TABLE[at + k] = expansion[k];
                }
                TABLE[at + degree + 1] = expansion[1];
                TABLE[at + degree + 2] = GlibcTrigTables.roundToMultiple(GlibcTrigTables.asin(centre(g)), 51);
            }
        }

        private static BigInteger centre(int g) {
            return GlibcTrigTables.dyadic(2 * g + 65, 9);
        }

        /**
         * asin's Taylor expansion on interval g as {c1, tail, c2, ..., cN}, the tail that of
         * asin(x0) after its head: where GlibcTrigIntervalFit starts from.
         */
        static double[] taylorExpansion(int g) {
            int degree = DEGREE[g];
            BigInteger[] c = GlibcTrigTables.asinTaylor(centre(g), degree);
            double[] expansion = new double[degree + 1];
            expansion[0] = GlibcTrigTables.nearest(c[1]);
            for (int k = 2; k <= degree; k++) {
                expansion[k] = GlibcTrigTables.nearest(c[k]);
            }
            BigInteger asin = GlibcTrigTables.asin(centre(g));
            expansion[1] = GlibcTrigTables.tail(asin, GlibcTrigTables.roundToMultiple(asin, 51));
            return expansion;
        }
    }

    private static int highWord(double x) {
        return (int) (Double.doubleToRawLongBits(x) >>> 32) & 0x7fffffff;
    }

    public static double sin(double x) {
        return sin(x, GRID_SERIES);
    }

    /** sin with the grid paths' series given. */
    static double sin(double x, GridSeries grid) {
        int k = highWord(x);
        if (k < 0x3e500000) {
            return x;
        }
        if (k < 0x3feb6000) {
            return sinOfSplit(x, 0, grid);
        }
        if (k < 0x400368fd) {
            return Math.copySign(cosOfSplit(HP0 - Math.abs(x), HP1, grid), x);
        }
        double ax = Math.abs(x);
        if (ax < FIVE_QUARTER_PI) {
            // glibc reduces by multiples of pi/2 here, and the multiple is 2: sin x = -sin(x - pi).
            // x - pi as head and tail: ax - 2 HP0 is exact (the two are within a factor of 2).
            double t = ax - 2 * HP0;
            double a = t - 2 * HP1;
            double back = a - t;
            double da = (t - (a - back)) + (-2 * HP1 - back);
            double sinAx = -sinOfSplit(a, da, grid);
            return x < 0 ? -sinAx : sinAx;
        }
        return Math.sin(x);
    }

    /** Up to here glibc's reduction of sin's argument by multiples of pi/2 takes the multiple 2. */
    private static final double FIVE_QUARTER_PI = 3.9269908169872414;

    public static double cos(double x) {
        return cos(x, GRID_SERIES);
    }

    /** cos with the grid paths' series given. */
    static double cos(double x, GridSeries grid) {
        int k = highWord(x);
        if (k < 0x3e400000) {
            return 1.0;
        }
        if (k < 0x3feb6000) {
            return cosOfSplit(x, 0, grid);
        }
        if (k < 0x400368fd) {
            double y = HP0 - Math.abs(x);
            double a = y + HP1;
            double da = (y - a) + HP1;
            return sinOfSplit(a, da, grid);
        }
        return Math.cos(x);
    }

    /** sin(x + dx) for |x| &lt; 0.86 and a tail dx far below x's last bit. */
    private static double sinOfSplit(double x, double dx, GridSeries grid) {
        double ax = Math.abs(x);
        if (ax < 0.126) {
            double xx = x * x;
            return smallSin(x, dx, xx, series(xx, SIN_SERIES));
        }
        if (x <= 0) {
            dx = -dx;
        }
        double u = TO_GRID + ax;
        int i = 4 * (int) Double.doubleToRawLongBits(u);
        double r = ax - (u - TO_GRID);
        double rr = r * r;
        double s = r + Math.fma(r * rr, grid.sin(rr), dx);
        double c = Math.fma(r, dx, rr * grid.cos(rr));
        double cor = Math.fma(s, GRID[i + 2], Math.fma(-c, GRID[i], Math.fma(s, GRID[i + 3], GRID[i + 1])));
        return Math.copySign(GRID[i] + cor, x);
    }

    /** sin(x + dx) below 0.126 from the value p of the series S1 + xx (S2 + ...) at xx = x^2. */
    static double smallSin(double x, double dx, double xx, double p) {
        return x + Math.fma(xx, Math.fma(p, x, -0.5 * dx), dx);
    }

    /** cos(x + dx) for |x| &lt; 0.86 and a tail dx far below x's last bit. */
    private static double cosOfSplit(double x, double dx, GridSeries grid) {
        if (x < 0) {
            dx = -dx;
        }
        double ax = Math.abs(x);
        double u = TO_GRID + ax;
        int i = 4 * (int) Double.doubleToRawLongBits(u);
        double r = ax - (u - TO_GRID) + dx;
        double rr = r * r;
        double s = Math.fma(r * rr, grid.sin(rr), r);
        double c = rr * grid.cos(rr);
        double cor = Math.fma(-s, GRID[i], Math.fma(-c, GRID[i + 2], Math.fma(-s, GRID[i + 1], GRID[i + 3])));
        return GRID[i + 2] + cor;
    }

    /**
     * asin as Redis gets it from glibc: glibc's own evaluation everywhere but on any interval of
     * [0.921875, 0.96875) whose expansion is not fitted (none today), where the correctly rounded
     * asin agrees with glibc more often than glibc's evaluation with Taylor's expansion does.
     */
    public static double asin(double x) {
        int k = highWord(x);
        if (k < 0x3fed8000 || k >= 0x3fef0000 || AsinTables.FITTED[interval(k)]) {
            return asinGlibcEvaluation(x);
        }
        return correctlyRoundedAsin(x);
    }

    /**
     * glibc's evaluation of asin on every path, with our coefficients: bit for bit glibc's with
     * glibc's tuned values substituted, and with ours as close as GlibcTrigTest's javadoc
     * reports per path.
     */
    static double asinGlibcEvaluation(double x) {
        int k = highWord(x);
        if (k < 0x3e500000) {
            return x;
        }
        if (k < 0x3fc00000) {
            double x2 = x * x;
            return smallAsin(x, x2, series(x2, ASIN_SERIES));
        }
        if (k < 0x3fef0000) {
            int g = interval(k);
            double[] table = AsinTables.TABLE;
            int at = AsinTables.OFFSET[g];
            int degree = AsinTables.DEGREE[g];
            double xx = Math.abs(x) - table[at];
            double q = table[at + degree];
            for (int j = degree - 1; j >= 2; j--) {
                q = Math.fma(q, xx, table[at + j]);
            }
            double p = Math.fma(q, xx * xx, table[at + degree + 1]);
            double res = Math.fma(xx, table[at + 1], p) + table[at + degree + 2];
            return x > 0 ? res : -res;
        }
        if (k < 0x3ff00000) {
            double z = rootArgument(x);
            return rootAsin(x, z, series(z, ASIN_SERIES));
        }
        if (k == 0x3ff00000 && (int) Double.doubleToRawLongBits(x) == 0) {
            return x > 0 ? HP0 : -HP0;
        }
        return Double.NaN;
    }

    /** The 1/256 interval of [0.125, 0.96875) that |x| lies in, from x's high word. */
    private static int interval(int k) {
        return k < 0x3fd00000 ? (k & 0xfffff) >> 15 : k < 0x3fe00000 ? 32 + ((k & 0xfffff) >> 14) : 96 + ((k & 0xfe000) >> 13);
    }

    /** c[0] + y (c[1] + y (c[2] + ...)), fused at every step as glibc's FMA build does. */
    static double series(double y, double[] c) {
        double q = c[c.length - 1];
        for (int j = c.length - 2; j >= 0; j--) {
            q = Math.fma(q, y, c[j]);
        }
        return q;
    }

    /** asin x below 0.125 from x2 = x * x and the value p of the series at x2. */
    static double smallAsin(double x, double x2, double p) {
        return Math.fma(p, x * x2, x);
    }

    /** (1 - |x|) / 2, whose square root the branch from 0.96875 on takes. */
    static double rootArgument(double x) {
        return 0.5 * (x > 0 ? 1.0 - x : x + 1.0);
    }

    /**
     * asin x = pi/2 - 2 asin(sqrt(z)) from 0.96875 on, with z = {@link #rootArgument} and p the
     * value of the series at z.
     */
    static double rootAsin(double x, double z, double p) {
        return rootAsin(x, z, p, ROOT_SERIES);
    }

    /** {@link #rootAsin(double, double, double)} with the reciprocal square root's series given. */
    static double rootAsin(double x, double z, double p, double[] rootSeries) {
        int zk = (int) (Double.doubleToRawLongBits(z) >>> 32);
        double t = AsinTables.ROOT_SEEDS[(zk & 0x1fffff) >> 14] * Math.scalb(1.0, 511 - (zk >> 21));
        double r = Math.fma(-(t * t), z, 1.0);
        t = series(r, rootSeries) * t;
        double c = z * t;
        double newton = Math.fma(-(t * 0.5), c, 1.5);
        double y = (c + SPLIT) - SPLIT;
        double cc = Math.fma(-y, y, z) / Math.fma(newton, c, y);
        double cor = Math.fma(-((y + cc) + (y + cc)), p * z, Math.fma(-2.0, cc, HP1));
        double res = cor + Math.fma(-2.0, y, HP0);
        return x > 0 ? res : -res;
    }

    /**
     * asin rounded to the nearest double: Math's estimate r corrected by (y - sin r) / cos r,
     * with sin r summed as a Taylor series in double-double arithmetic (about 85 bits) and the
     * sum rounded once.
     */
    static double correctlyRoundedAsin(double y) {
        double r = Math.asin(y);
        double ay = Math.abs(y);
        if (!(ay < 1) || ay < 1e-150) {
            return r;
        }
        double x = Math.abs(r);
        // x^2 as a double-double
        double x2h = x * x;
        double x2l = Math.fma(x, x, -x2h);
        double termH = x;
        double termL = 0;
        double sumH = x;
        double sumL = 0;
        for (int k = 3; k < 60; k += 2) {
            // term *= -x^2
            double p = termH * x2h;
            double e = Math.fma(termH, x2h, -p) + termH * x2l + termL * x2h;
            double th = p + e;
            double tl = e - (th - p);
            // term /= (k-1)k
            double n = (double) (k - 1) * k;
            double q = th / n;
            double rem = Math.fma(-q, n, th) + tl;
            double q2 = rem / n;
            termH = -(q + q2);
            termL = -(q2 - ((q + q2) - q));
            // sum += term
            double s = sumH + termH;
            double v = s - sumH;
            double err = (sumH - (s - v)) + (termH - v) + sumL + termL;
            sumH = s + err;
            sumL = err - (sumH - s);
            if (Math.abs(termH) < 1e-26 * sumH) {
                break;
            }
        }
        double residual = (ay - sumH) - sumL;
        double refined = x + residual / Math.cos(x);
        return r < 0 ? -refined : refined;
    }
}
