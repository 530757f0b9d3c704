package io.cinnabar.util;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Recovers polynomial coefficients that make {@link GlibcTrig} reproduce the C library's sin,
 * cos and asin, by fitting them to the library's outputs; glibc's own constants are neither read
 * nor needed. Run from the repository root after {@code mvn -o -q test-compile}:
 * <pre>
 * java -cp target/classes:target/test-classes io.cinnabar.util.GlibcTrigFit GROUP [ROUNDS [C0,C1,...]]
 * </pre>
 * GROUP is asin-series (asin below 0.125 and from 0.96875 on), asin-direct (below 0.125 only),
 * sin-series (sin below 0.126 and cos within 0.126 of pi/2), or grid-sin-series (SN3 SN5) or
 * grid-cos-series (CS2 CS4 CS6), the short series of sin's and cos's grid paths, each fitted with
 * the other series as GlibcTrig has it (fit the sin side first, put it in, then the cos side;
 * both start from Taylor's: {@code -Dfit.validate=10000000 ... GlibcTrigFit grid-sin-series 6}
 * took 2 minutes, grid-cos-series 3). GROUP root-series [N] fits nothing: it shows on N
 * arguments that asin's results do not depend on the reciprocal square root's series (see
 * {@link #rootSeriesSensitivity}). It compiles
 * src/test/c/glibc_fit_probe.c, asks the library for results at random arguments of the
 * branches the series serves, fits in ROUNDS rounds (4 by default; from given starting
 * coefficients, hex or decimal, it goes straight to the finest filter over 10^8 results per
 * round) and prints the coefficients as hex doubles, then how many of 2 * 10^7 fresh results
 * ({@code -Dfit.validate=N} for N) they and the starting ones get wrong. {@code -Dfit.seed=S}
 * moves the rounds to other arguments; {@code -Dfit.debug} shows the solver at work.
 *
 * <p>The method: in every branch the series' value p, one double, reaches the result through a
 * chain of roundings that is monotone in p, so the library's result confines p to a run of
 * doubles, found by bisection over the doubles evaluating the rest of the branch exactly as
 * GlibcTrig does. In the same way a run for Horner step k's result is a run for step k + 1's,
 * once step k's coefficient is fixed. Step j's unrounded value c[j] + y (c[j + 1] + ...) is then
 * bounded by the midpoints around its run, and linear in c[j..] but for the inner steps'
 * roundings, which are bounded and widen the bounds. Most results say little (the run is hundreds
 * of doubles long); those whose run ends near the current estimate pin it down. Coefficients are
 * made doubles one at a time from c[0]: the linear feasibility problem over all kept results for
 * c[j..] is solved by the deep cut ellipsoid method over a Chebyshev basis, c[j] rounded, and
 * neighbouring doubles tried where a rounding leaves the rest no solution; then single
 * coefficients move by ulps while that reproduces more kept results. Rounds with more results and
 * a tighter filter repeat this, keeping what the estimate gets wrong or nearly wrong.
 */
public final class GlibcTrigFit {
    private GlibcTrigFit() {}

    /** One branch that evaluates a series: which function and arguments serve it, and how. */
    private interface Branch {
        String function();

        double lo();

        double hi();

        /** The series' variable for argument x. */
        double variable(double x);

        /** The branch's result at x from the series' value p at y = variable(x). */
        double result(double x, double y, double p);
    }

    private record SimpleBranch(String function, double lo, double hi, Variable variable, Result result) implements Branch {
        @Override
        public double variable(double x) {
            return variable.of(x);
        }

        @Override
        public double result(double x, double y, double p) {
            return result.of(x, y, p);
        }
    }

    private interface Variable {
        double of(double x);
    }

    private interface Result {
        double of(double x, double y, double p);
    }

    private static final Branch ASIN_SMALL = new SimpleBranch("asin", 0x1p-26, 0.125, x -> x * x, GlibcTrig::smallAsin);
    private static final Branch ASIN_ROOT = new SimpleBranch("asin", 0.96875, 1.0, GlibcTrig::rootArgument, GlibcTrig::rootAsin);
    private static final Branch SIN_SMALL = new SimpleBranch("sin", 0x1p-26, 0.126, x -> x * x,
            (x, y, p) -> GlibcTrig.smallSin(x, 0, y, p));
    /** cos within 0.126 of pi/2: sin of the reflected argument, head and tail, as GlibcTrig.cos reflects it. */
    private static final Branch COS_REFLECTED = new SimpleBranch("cos", GlibcTrig.HP0 - 0.1259, GlibcTrig.HP0 + 0.1259,
            x -> {
                double head = reflectedHead(x);
                return head * head;
            },
            (x, y, p) -> {
                double reflected = GlibcTrig.HP0 - Math.abs(x);
                double head = reflected + GlibcTrig.HP1;
                return GlibcTrig.smallSin(head, (reflected - head) + GlibcTrig.HP1, y, p);
            });

    private static double reflectedHead(double x) {
        return (GlibcTrig.HP0 - Math.abs(x)) + GlibcTrig.HP1;
    }

    /**
     * A grid path of sin or cos (|x| from 0.126 to 0.855, directly or reflected through pi/2 or
     * reduced by pi, and all of cos below 0.855), seen from one of its two short series: the
     * series' value p stands in for sin's SN3 + rr SN5 (sinSide) or for cos's CS2 + rr (CS4 + rr
     * CS6), the other series is GlibcTrig's, and the variable is rr, the square of the remainder
     * past the grid point.
     */
    private record GridBranch(String function, double lo, double hi, boolean sinSide) implements Branch {
        @Override
        public double variable(double x) {
            Substituted recorder = new Substituted(sinSide, Double.NaN);
            evaluate(x, recorder);
            return recorder.rr;
        }

        @Override
        public double result(double x, double y, double p) {
            return evaluate(x, new Substituted(sinSide, p));
        }

        private double evaluate(double x, GlibcTrig.GridSeries grid) {
            return function.equals("sin") ? GlibcTrig.sin(x, grid) : GlibcTrig.cos(x, grid);
        }
    }

    /** GlibcTrig's grid series with p in place of one of them; remembers the rr it was asked for. */
    private static final class Substituted implements GlibcTrig.GridSeries {
        private final boolean sinSide;
        private final double p;
        double rr = Double.NaN;

        Substituted(boolean sinSide, double p) {
            this.sinSide = sinSide;
            this.p = p;
        }

        @Override
        public double sin(double rr) {
            this.rr = rr;
            return sinSide ? p : GlibcTrig.GRID_SERIES.sin(rr);
        }

        @Override
        public double cos(double rr) {
            this.rr = rr;
            return sinSide ? GlibcTrig.GRID_SERIES.cos(rr) : p;
        }
    }

    /**
     * Every grid path, from one series' side. Each range keeps 0.1265 away from where the
     * argument reflected or reduced falls below 0.126 (sin's own series serves that), and the
     * sin side starts cos at 1/256, below which its grid point is 0 and sin's series drops out.
     */
    private static Branch[] gridBranches(boolean sinSide) {
        double reduced = 2.4262650013;
        double quarter = 3.9269908169872414;
        return new Branch[] {
            new GridBranch("sin", 0.126, 0.85546875, sinSide),
            new GridBranch("cos", sinSide ? 1.0 / 256 : 0x1p-27, 0.85546875, sinSide),
            new GridBranch("sin", 0.85546875, reduced, sinSide),
            new GridBranch("cos", 0.85546875, GlibcTrig.HP0 - 0.1265, sinSide),
            new GridBranch("cos", GlibcTrig.HP0 + 0.1265, reduced, sinSide),
            new GridBranch("sin", reduced, Math.PI - 0.1265, sinSide),
            new GridBranch("sin", Math.PI + 0.1265, quarter, sinSide),
        };
    }

    /**
     * A series' coefficients and the branches that use it, and the rounds' schedule: the first
     * round's arguments per branch and filter (see {@link #collect}); each later round takes
     * five times the arguments, up to lastSamples, with an eighth of the filter, down to
     * lastFilter. A kept result that only a series value more than reach doubles from the
     * estimate reproduces is left out of the fit: another series' doing.
     */
    private record Group(String name, double[] start, double variableLimit, long firstSamples, double firstFilter, long lastSamples,
            double lastFilter, long reach, Branch... branches) {
        Group(String name, double[] start, double variableLimit, Branch... branches) {
            this(name, start, variableLimit, 200_000, 64, 100_000_000, 1, 1L << 30, branches);
        }
    }

    /**
     * The grid series' values move a result only through remainders below 1/256, so few results
     * say anything about them: the grid groups filter wide and keep fewer arguments per branch.
     * Both series share every result, and a result the other series gets wrong can ask this one
     * for an absurd value (Taylor's sin series is 700 doubles from glibc's at most): beyond 2^16
     * doubles a result is left to the other series.
     */
    private static Group gridGroup(String name, double[] start, boolean sinSide) {
        return new Group(name, start, 0x1p-16, 2_000_000, 4096, 40_000_000, 64, 1L << 16, gridBranches(sinSide));
    }

    private static final Group[] GROUPS = {
        new Group("asin-series", GlibcTrig.ASIN_SERIES.clone(), 1.0 / 64, ASIN_SMALL, ASIN_ROOT),
        new Group("sin-series", GlibcTrig.SIN_SERIES.clone(), 0.126 * 0.126, SIN_SMALL, COS_REFLECTED),
        new Group("asin-direct", GlibcTrig.ASIN_SERIES.clone(), 1.0 / 64, ASIN_SMALL),
        // from Taylor's, so that validation compares with them
        gridGroup("grid-sin-series", new double[] {GlibcTrigTables.sinCosSeriesCoefficient(3), GlibcTrigTables.sinCosSeriesCoefficient(5)},
                true),
        gridGroup("grid-cos-series", new double[] {-GlibcTrigTables.sinCosSeriesCoefficient(2), -GlibcTrigTables.sinCosSeriesCoefficient(4),
            -GlibcTrigTables.sinCosSeriesCoefficient(6)}, false),
    };

    /** Results kept for fitting: argument, library result, series variable, branch. */
    private static final class Store {
        double[] x = new double[1 << 12];
        double[] y = new double[1 << 12];
        double[] v = new double[1 << 12];
        Branch[] branch = new Branch[1 << 12];
        int size;

        void add(double argument, double result, double variable, Branch b) {
            if (size == x.length) {
                x = Arrays.copyOf(x, 2 * size);
                y = Arrays.copyOf(y, 2 * size);
                v = Arrays.copyOf(v, 2 * size);
                branch = Arrays.copyOf(branch, 2 * size);
            }
            x[size] = argument;
            y[size] = result;
            v[size] = variable;
            branch[size++] = b;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("root-series")) {
            rootSeriesSensitivity(args.length > 1 ? Long.parseLong(args[1]) : 10_000_000, Long.getLong("fit.seed", 0));
            return;
        }
        Group group = null;
        for (Group g : GROUPS) {
            if (args.length > 0 && g.name.equals(args[0])) {
                group = g;
            }
        }
        if (group == null) {
            System.err.println("usage: GlibcTrigFit asin-series|asin-direct|sin-series|grid-sin-series|grid-cos-series [rounds [c0,c1,...]]");
            System.exit(2);
        }
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        if (args.length > 2) {
            String[] given = args[2].split(",");
            for (int k = 0; k < given.length; k++) {
                group.start[k] = Double.parseDouble(given[k]);
            }
        }
        File probe = compileProbe();
        long started = System.nanoTime();
        double[] c = group.start.clone();
        Store store = new Store();
        // from given coefficients, straight to the fine filter over many results
        long samples = args.length > 2 ? group.lastSamples : group.firstSamples;
        double filter = args.length > 2 ? group.lastFilter : group.firstFilter;
        long seeds = Long.getLong("fit.seed", 0);
        for (int round = 1; round <= rounds; round++) {
            int before = store.size;
            for (Branch b : group.branches) {
                collect(probe, b, samples, seeds + round, c, filter, store);
            }
            System.out.printf("round %d: %d results from %d per branch kept, %d in all%n", round, store.size - before, samples,
                    store.size);
            // refits start from the last fit; the round keeps the one that reproduces most
            double[] best = c;
            int fewest = mismatches(store, c);
            double[] from = c;
            for (int attempt = 0; attempt < 3 && fewest > 0; attempt++) {
                double[] fitted = fit(store, from, group);
                if (fitted == null) {
                    System.out.println("  no coefficients fit every kept result");
                    break;
                }
                from = fitted;
                int wrong = mismatches(store, fitted);
                System.out.printf("  coefficients %s, %d kept results not reproduced%n", hex(fitted), wrong);
                if (wrong < fewest) {
                    best = fitted;
                    fewest = wrong;
                }
            }
            c = best;
            samples = Math.min(samples * 5, group.lastSamples);
            filter = Math.max(group.lastFilter, filter / 8);
        }
        for (Branch b : group.branches) {
            long[] counts = validate(probe, b, Long.getLong("fit.validate", 20_000_000), Long.getLong("fit.validateSeed", 1000), c, group.start);
            System.out.printf("validation %s [%s, %s): %d of %d differ (with the starting coefficients: %d)%n", b.function(),
                    b.lo(), b.hi(), counts[0], counts[2], counts[1]);
        }
        System.out.printf("%s = %s (%.0f s)%n", group.name, hex(c), (System.nanoTime() - started) / 1e9);
    }

    /**
     * The reciprocal square root's series RT0..RT3 cannot be fitted from asin's results: the
     * Newton step after it (and the head and correction split of the root) absorbs any error in
     * its value, so asin's result does not move with it. This measures that on n arguments of the
     * square root branch: how many results differ from the library's, and how many change when RT0
     * (hence the series' value, r being below 2^-7) moves by 2^k doubles either way.
     */
    private static void rootSeriesSensitivity(long n, long seed) throws IOException, InterruptedException {
        long started = System.nanoTime();
        int[] moves = {0, 4, 8, 12, 16, 20, 24, 28};
        double[][] moved = new double[2 * moves.length][];
        for (int k = 0; k < moved.length; k++) {
            moved[k] = GlibcTrig.ROOT_SERIES.clone();
            moved[k][0] = fromOrdinal(ordinal(moved[k][0]) + (k % 2 == 0 ? 1L : -1L) * (1L << moves[k / 2]));
        }
        long[] changed = new long[moves.length];
        long[] differ = new long[2];
        probe(compileProbe(), "asin", n, seed, ASIN_ROOT.lo(), ASIN_ROOT.hi(), (x, result) -> {
            double z = GlibcTrig.rootArgument(x);
            double p = GlibcTrig.series(z, GlibcTrig.ASIN_SERIES);
            double ours = GlibcTrig.rootAsin(x, z, p);
            differ[1]++;
            if (ours != result) {
                differ[0]++;
            }
            for (int k = 0; k < moved.length; k++) {
                if (GlibcTrig.rootAsin(x, z, p, moved[k]) != ours) {
                    changed[k / 2]++;
                    k |= 1;
                }
            }
        });
        System.out.printf("asin [0.96875, 1): %d of %d differ from the library's%n", differ[0], differ[1]);
        for (int k = 0; k < moves.length; k++) {
            System.out.printf("  RT0 moved by 2^%d doubles either way changes %d of them%n", moves[k], changed[k]);
        }
        System.out.printf("(%.0f s)%n", (System.nanoTime() - started) / 1e9);
    }

    static String hex(double[] c) {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < c.length; i++) {
            s.append(i == 0 ? "" : ", ").append(Double.toHexString(c[i]));
        }
        return s.append('}').toString();
    }

    static File compileProbe() throws IOException, InterruptedException {
        File binary = File.createTempFile("glibc_fit_probe", "");
        binary.deleteOnExit();
        Process gcc = new ProcessBuilder("gcc", "-O2", "-o", binary.getPath(), "src/test/c/glibc_fit_probe.c", "-lm").inheritIO().start();
        if (gcc.waitFor() != 0) {
            throw new IllegalStateException("gcc failed");
        }
        return binary;
    }

    interface Sink {
        void accept(double x, double y);
    }

    static void probe(File binary, String function, long n, long seed, double lo, double hi, Sink sink)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(binary.getPath(), function, Long.toString(n), Long.toString(seed), Double.toString(lo),
                Double.toString(hi)).redirectErrorStream(false).start();
        byte[] record = new byte[16];
        ByteBuffer buffer = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        try (InputStream raw = p.getInputStream(); DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            for (;;) {
                try {
                    in.readFully(record);
                } catch (EOFException end) {
                    break;
                }
                sink.accept(buffer.getDouble(0), buffer.getDouble(8));
            }
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("probe failed");
        }
    }

    /** Results whose series value lies within this many ulps of a rounding boundary that matters are kept. */
    private static final double FINE = 0.25;

    /**
     * Keeps the results of n arguments of the branch that the estimate c gets wrong or, for a
     * filter above 1, whose run of admissible series values ends within {@code filter} doubles
     * of the estimate's, or else whose unrounded series value lies within {@link #FINE} ulps of
     * the run's edge.
     */
    private static void collect(File binary, Branch b, long n, long seed, double[] c, double filter, Store store)
            throws IOException, InterruptedException {
        long steps = (long) filter;
        probe(binary, b.function(), n, seed, b.lo(), b.hi(), (x, result) -> {
            double y = b.variable(x);
            double p = GlibcTrig.series(y, c);
            if (steps > 1) {
                long o = ordinal(p);
                if (b.result(x, y, fromOrdinal(o - steps)) != result || b.result(x, y, fromOrdinal(o + steps)) != result) {
                    store.add(x, result, y, b);
                }
                return;
            }
            if (b.result(x, y, p) != result) {
                store.add(x, result, y, b);
                return;
            }
            // how far the unrounded series lies from the rounding boundary next to p, in ulps of p
            double inner = GlibcTrig.series(y, Arrays.copyOfRange(c, 1, c.length));
            double error = Math.fma(y, inner, c[0] - p) / Math.ulp(p);
            if ((error < FINE - 0.5 && b.result(x, y, Math.nextDown(p)) != result)
                    || (error > 0.5 - FINE && b.result(x, y, Math.nextUp(p)) != result)) {
                store.add(x, result, y, b);
            }
        });
    }

    /** {not reproduced by c, not reproduced by the starting coefficients, results} over n fresh results. */
    private static long[] validate(File binary, Branch b, long n, long seed, double[] c, double[] start)
            throws IOException, InterruptedException {
        long[] counts = new long[3];
        probe(binary, b.function(), n, seed, b.lo(), b.hi(), (x, result) -> {
            double y = b.variable(x);
            counts[2]++;
            if (b.result(x, y, GlibcTrig.series(y, c)) != result) {
                if (System.getProperty("fit.debug") != null && counts[0] < 40) {
                    double p = GlibcTrig.series(y, c);
                    long[] run = admissibleRun(b, x, y, result, p);
                    double inner = GlibcTrig.series(y, Arrays.copyOfRange(c, 1, c.length));
                    System.out.printf("    x %s y %s run %s E-p %.4f%n", x, y,
                            run == null ? "-" : run.length == 0 ? "empty" : (run[0] - ordinal(p)) + ".." + (run[1] - ordinal(p)),
                            Math.fma(y, inner, c[0] - p) / Math.ulp(p));
                }
                counts[0]++;
            }
            if (b.result(x, y, GlibcTrig.series(y, start)) != result) {
                counts[1]++;
            }
        });
        return counts;
    }

    private static int mismatches(Store store, double[] c) {
        int wrong = 0;
        for (int i = 0; i < store.size; i++) {
            if (store.branch[i].result(store.x[i], store.v[i], GlibcTrig.series(store.v[i], c)) != store.y[i]) {
                if (System.getProperty("fit.debug") != null && System.getProperty("fit.quiet") == null && wrong < 30) {
                    double p = GlibcTrig.series(store.v[i], c);
                    long[] run = admissibleRun(store.branch[i], store.x[i], store.v[i], store.y[i], p);
                    System.out.printf("    %s x %s y %s p %d run %s%n", store.branch[i] == ASIN_ROOT ? "root" : "direct", store.x[i], store.v[i], ordinal(p),
                            run == null ? "-" : run.length == 0 ? "empty" : (run[0] - ordinal(p)) + ".." + (run[1] - ordinal(p)));
                }
                wrong++;
            }
        }
        return wrong;
    }

    /** Orders doubles as integers: consecutive doubles have consecutive ordinals. */
    static long ordinal(double d) {
        long bits = Double.doubleToRawLongBits(d);
        return bits >= 0 ? bits : Long.MIN_VALUE - bits;
    }

    static double fromOrdinal(long ordinal) {
        return Double.longBitsToDouble(ordinal >= 0 ? ordinal : Long.MIN_VALUE - ordinal);
    }

    /**
     * The ordinals [first, last] of the series values that give the library's result, or null
     * when the run is wider than 2^30 doubles (the result says nothing) or empty (the branch
     * cannot give that result: a structural mismatch).
     */
    static long[] admissibleRun(Branch b, double x, double y, double result, double estimate) {
        return run(p -> b.result(x, y, p), result, result, estimate);
    }

    /**
     * The ordinals [first, last] of the doubles v, near the estimate, for which the monotone f(v)
     * lies in [lo, hi]; null when the run reaches 2^30 doubles from the estimate, empty when no v
     * gives such a value.
     */
    static long[] run(java.util.function.DoubleUnaryOperator f, double lo, double hi, double estimate) {
        long centre = ordinal(estimate);
        long reach = 1L << 30;
        double below = f.applyAsDouble(fromOrdinal(centre - reach));
        double above = f.applyAsDouble(fromOrdinal(centre + reach));
        int direction = Double.compare(above, below);
        double low = direction > 0 ? lo : hi;
        double high = direction > 0 ? hi : lo;
        if (direction == 0 || Double.compare(below, low) * direction >= 0 || Double.compare(above, high) * direction <= 0) {
            return null;
        }
        long first = firstBeyond(f, low, direction, centre - reach, centre + reach, false);
        long last = firstBeyond(f, high, direction, centre - reach, centre + reach, true) - 1;
        return first > last ? new long[0] : new long[] {first, last};
    }

    /** The least ordinal in (lo, hi] where f reaches (or, strictly, passes) the target in the given direction. */
    private static long firstBeyond(java.util.function.DoubleUnaryOperator f, double target, int direction, long lo, long hi,
            boolean strictly) {
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            int comparison = Double.compare(f.applyAsDouble(fromOrdinal(mid)), target) * direction;
            if (comparison > 0 || (comparison == 0 && !strictly)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    static BigDecimal exact(double d) {
        return new BigDecimal(d);
    }

    /** c[0] + y (c[1] + ...) exactly. */
    private static BigDecimal exactSeries(double y, double[] c) {
        BigDecimal by = exact(y);
        BigDecimal q = exact(c[c.length - 1]);
        for (int j = c.length - 2; j >= 0; j--) {
            q = q.multiply(by).add(exact(c[j]));
        }
        return q;
    }

    /**
     * Fits coefficients to the kept results, starting from c: returns doubles reproducing the
     * constraints, or null.
     */
    private static double[] fit(Store store, double[] c, Group group) {
        double[] best = fix(c.clone(), 0, (fixed, j) -> solve(store, fixed, j, group));
        return best == null ? null : polish(best, candidate -> mismatches(store, candidate));
    }

    /** Changes to c[j..] that fit the kept results with c[0..j) fixed, or null if there are none. */
    interface Solver {
        double[] solve(double[] c, int j);
    }

    /**
     * Moves single coefficients by a few ulps while that reproduces more kept results: the
     * solution of the widened problem can still put a result's unrounded series value on the
     * wrong side of a rounding boundary by up to the widening.
     */
    static double[] polish(double[] c, java.util.function.ToIntFunction<double[]> mismatches) {
        c = c.clone();
        int wrong = mismatches.applyAsInt(c);
        for (int pass = 0; pass < 50 && wrong > 0; pass++) {
            boolean better = false;
            for (int k = 0; k < c.length; k++) {
                for (long step = 1; step <= 1 << 16; step *= 2) {
                    for (int sign = -1; sign <= 1; sign += 2) {
                        double[] moved = c.clone();
                        moved[k] = fromOrdinal(ordinal(c[k]) + sign * step);
                        int w = mismatches.applyAsInt(moved);
                        if (w < wrong) {
                            wrong = w;
                            c = moved;
                            better = true;
                        }
                    }
                }
            }
            if (!better) {
                break;
            }
        }
        return c;
    }

    /** Makes c[j..] doubles that satisfy the constraints, with c[0..j) fixed; null if none. */
    static double[] fix(double[] c, int j, Solver solver) {
        if (j == c.length) {
            return c;
        }
        double[] delta = solver.solve(c, j);
        if (delta == null) {
            return null;
        }
        double target = c[j] + delta[j];
        double[] tries = {target, Math.nextUp(target), Math.nextDown(target)};
        for (int attempt = 0; attempt < (j == c.length - 1 ? 1 : tries.length); attempt++) {
            double[] next = c.clone();
            for (int k = j; k < c.length; k++) {
                next[k] = c[k] + delta[k];
            }
            next[j] = tries[attempt];
            double[] done = fix(next, j + 1, solver);
            if (done != null) {
                return done;
            }
        }
        return null;
    }

    /**
     * Solves for the changes to c[j..] that keep the unrounded value of Horner step j, c[j] +
     * y (c[j + 1] + ...), inside the bounds each kept result sets on it through the fixed steps
     * 0..j-1 (each peeled exactly: a run of doubles for one step's result is a run for the next
     * step's), widened by what the inner roundings can add; null if infeasible.
     */
    private static double[] solve(Store store, double[] c, int j, Group group) {
        double limit = group.variableLimit;
        int n = c.length;
        int m = n - j;
        List<double[]> rows = new ArrayList<>();
        List<double[]> bounds = new ArrayList<>();
        int structural = 0;
        int distant = 0;
        double unit = Math.ulp(c[j]);
        BigDecimal perUnit = exact(1 / unit);
        double[] inner = Arrays.copyOfRange(c, j, n);
        for (int i = 0; i < store.size; i++) {
            double y = store.v[i];
            double estimate = GlibcTrig.series(y, c);
            long[] run = admissibleRun(store.branch[i], store.x[i], y, store.y[i], estimate);
            if (run != null && run.length == 2 && (run[0] - ordinal(estimate) > group.reach || ordinal(estimate) - run[1] > group.reach)) {
                distant++;
                continue;
            }
            // through the fixed coefficients: which values of the Horner step k + 1 round step k into its run
            for (int k = 0; run != null && run.length == 2 && k < j; k++) {
                double fixed = c[k];
                run = run(q -> Math.fma(y, q, fixed), fromOrdinal(run[0]), fromOrdinal(run[1]),
                        GlibcTrig.series(y, Arrays.copyOfRange(c, k + 1, n)));
            }
            if (run == null) {
                continue;
            }
            if (run.length == 0) {
                structural++;
                continue;
            }
            double first = fromOrdinal(run[0]);
            double last = fromOrdinal(run[1]);
            BigDecimal reference = exactSeries(y, inner);
            BigDecimal lower = exact(first).add(exact(fromOrdinal(run[0] - 1))).multiply(BigDecimal.valueOf(0.5));
            BigDecimal upper = exact(last).add(exact(fromOrdinal(run[1] + 1))).multiply(BigDecimal.valueOf(0.5));
            // the inner Horner steps round: step k errs by at most half an ulp of its value, times y^(k - j)
            double slack = 0;
            double power = 1;
            for (int k = j + 1; k < n; k++) {
                power *= y;
                slack += power * Math.ulp(c[k]);
            }
            slack /= unit;
            double lo = lower.subtract(reference).multiply(perUnit).doubleValue() - slack;
            double hi = upper.subtract(reference).multiply(perUnit).doubleValue() + slack;
            double u = y / limit;
            double[] row = new double[m];
            double scale = 1;
            double t = 2 * u - 1;
            double older = 0;
            double old = 1;
            for (int k = 0; k < m; k++) {
                double chebyshev = k == 0 ? 1 : k == 1 ? t : 2 * t * old - older;
                if (k > 0) {
                    older = old;
                    old = chebyshev;
                }
                row[k] = scale * chebyshev;
            }
            rows.add(row);
            bounds.add(new double[] {lo, hi});
        }
        if (structural > 0) {
            if (j > 0) {
                // the fixed coefficients leave no value for the rest that reproduces these results
                return null;
            }
            System.out.printf("  %d kept results no series value reproduces (left out)%n", structural);
        }
        if (distant > 0 && j == 0) {
            System.out.printf("  %d kept results only a distant series value reproduces (left out)%n", distant);
        }
        double[] e = m == 1 ? intervalSolve(rows, bounds) : ellipsoid(rows, bounds, m, 1e7);
        if (System.getProperty("fit.debug") != null) {
            System.out.printf("  solve j=%d rows=%d -> %s%n", j, rows.size(), Arrays.toString(e));
        }
        if (e == null) {
            return null;
        }
        // back to powers of u: sum over k of e[k] T_k(2u - 1), times u^j
        double[][] chebyshev = new double[m][m + 1];
        chebyshev[0][0] = 1;
        if (m > 1) {
            chebyshev[1][0] = -1;
            chebyshev[1][1] = 2;
        }
        for (int k = 2; k < m; k++) {
            for (int p = 0; p < m; p++) {
                double shifted = p > 0 ? chebyshev[k - 1][p - 1] : 0;
                chebyshev[k][p] = 2 * (2 * shifted - chebyshev[k - 1][p]) - chebyshev[k - 2][p];
            }
        }
        double[] delta = new double[n];
        for (int k = 0; k < m; k++) {
            for (int p = 0; p < m; p++) {
                delta[j + p] += e[k] * chebyshev[k][p];
            }
        }
        for (int p = 0; p < m; p++) {
            delta[j + p] *= unit / Math.pow(limit, p);
        }
        return delta;
    }

    static double[] intervalSolve(List<double[]> rows, List<double[]> bounds) {
        double lo = Double.NEGATIVE_INFINITY;
        double hi = Double.POSITIVE_INFINITY;
        for (int i = 0; i < rows.size(); i++) {
            double a = rows.get(i)[0];
            double[] b = bounds.get(i);
            double l = a > 0 ? b[0] / a : b[1] / a;
            double h = a > 0 ? b[1] / a : b[0] / a;
            lo = Math.max(lo, l);
            hi = Math.min(hi, h);
        }
        if (lo > hi) {
            return null;
        }
        return new double[] {lo == Double.NEGATIVE_INFINITY ? (hi == Double.POSITIVE_INFINITY ? 0 : hi) : hi == Double.POSITIVE_INFINITY ? lo : (lo + hi) / 2};
    }

    /**
     * A point satisfying lo &lt;= row . e &lt;= hi for every row, by the deep cut ellipsoid
     * method from the ball of the given radius around 0; null if the ellipsoid proves none.
     */
    static double[] ellipsoid(List<double[]> rows, List<double[]> bounds, int m, double radius) {
        double[] centre = new double[m];
        double[][] shape = new double[m][m];
        for (int k = 0; k < m; k++) {
            shape[k][k] = radius * radius;
        }
        double[] norms = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            double s = 0;
            for (double a : rows.get(i)) {
                s += a * a;
            }
            norms[i] = Math.sqrt(s);
        }
        double[] a = new double[m];
        double[] pa = new double[m];
        for (int iteration = 0; iteration < 200_000; iteration++) {
            int worst = -1;
            double worstViolation = 0;
            int side = 0;
            for (int i = 0; i < rows.size(); i++) {
                double[] row = rows.get(i);
                double value = 0;
                for (int k = 0; k < m; k++) {
                    value += row[k] * centre[k];
                }
                double[] b = bounds.get(i);
                double over = (value - b[1]) / norms[i];
                double under = (b[0] - value) / norms[i];
                if (over > worstViolation) {
                    worstViolation = over;
                    worst = i;
                    side = 1;
                }
                if (under > worstViolation) {
                    worstViolation = under;
                    worst = i;
                    side = -1;
                }
            }
            if (worst < 0) {
                if (System.getProperty("fit.debug") != null) {
                    System.out.printf("    ellipsoid: %d rows, %d dimensions, %d iterations%n", rows.size(), m, iteration);
                }
                return centre;
            }
            // the cut side * row . e <= side * bound
            double[] row = rows.get(worst);
            double bound = side > 0 ? bounds.get(worst)[1] : -bounds.get(worst)[0];
            double value = 0;
            for (int k = 0; k < m; k++) {
                a[k] = side * row[k];
                value += a[k] * centre[k];
            }
            double apa = 0;
            for (int k = 0; k < m; k++) {
                double s = 0;
                for (int l = 0; l < m; l++) {
                    s += shape[k][l] * a[l];
                }
                pa[k] = s;
                apa += a[k] * s;
            }
            if (!(apa > 0)) {
                // rounding has broken the shape's positive definiteness: start again around the centre
                double largest = 0;
                for (int k = 0; k < m; k++) {
                    largest = Math.max(largest, Math.abs(shape[k][k]));
                }
                for (int k = 0; k < m; k++) {
                    Arrays.fill(shape[k], 0);
                    shape[k][k] = largest;
                }
                if (System.getProperty("fit.debug") != null) {
                    System.out.printf("    it %d reset to radius %g%n", iteration, Math.sqrt(largest));
                }
                continue;
            }
            double g = Math.sqrt(apa);
            double alpha = (value - bound) / g;
            if (System.getProperty("fit.debug") != null && iteration % 500 == 0) {
                System.out.printf("    it %d worst %d viol %g alpha %g apa %g centre %s%n", iteration, worst, worstViolation, alpha, apa, Arrays.toString(centre));
            }
            if (alpha >= 1) {
                return null;
            }
            double step = (1 + m * alpha) / (m + 1);
            for (int k = 0; k < m; k++) {
                centre[k] -= step * pa[k] / g;
            }
            double factor = (double) m * m * (1 - alpha * alpha) / ((double) m * m - 1);
            double weight = 2 * (1 + m * alpha) / ((m + 1) * (1 + alpha)) / apa;
            for (int k = 0; k < m; k++) {
                for (int l = k; l < m; l++) {
                    shape[k][l] = factor * (shape[k][l] - weight * pa[k] * pa[l]);
                    shape[l][k] = shape[k][l];
                }
            }
        }
        return null;
    }
}
