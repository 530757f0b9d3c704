package io.cinnabar.util;

import java.io.File;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fits asin's expansion on each 1/256 interval of [0.125, 0.96875) to the C library's asin, the
 * way {@link GlibcTrigFit} fits a series (read its comment first). Run from the repository root
 * after {@code mvn -o -q test-compile}:
 * <pre>
 * java -cp target/classes:target/test-classes io.cinnabar.util.GlibcTrigIntervalFit [FIRST [LAST]]
 * </pre>
 * for intervals FIRST..LAST (0..215 by default); prints each interval's mismatches on 10^6
 * fresh arguments ({@code -Dfit.validate=N}, {@code -Dfit.validateSeed=S} to draw them from
 * seeds S + g, 1000 by default) with the fitted and with the starting expansion, and the fitted
 * rows; src/main/resources/io/cinnabar/util/glibc-asin-expansions.txt holds them, a line per
 * interval: its number, then the row's hex doubles. Each interval takes 2 rounds
 * ({@code -Dfit.rounds=R}; 0 only validates), 10^6 then 4 * 10^6 arguments (each round four
 * times the last, from {@code -Dfit.samples=N}), from Taylor's expansion, or with
 * {@code -Dfit.fromTable} from the row GlibcTrig has (fitted where the file lists it): about 10
 * seconds on an idle core up to 0.9, a minute or more above ({@code -Dfit.seed=S} moves the
 * rounds to other arguments). The rows were fitted from Taylor's with the defaults, then intervals
 * still missing 2 or more in 10^6 refitted one at a time by {@code -Dfit.fromTable=true
 * -Dfit.seed=10 -Dfit.samples=4000000 -Dfit.validateSeed=7000 ... GlibcTrigIntervalFit G G}
 * (10 to 220 seconds each; interval 98 needed {@code -Dfit.seed=20 -Dfit.samples=16000000}).
 * {@code -Dfit.rounds=0 -Dfit.fromTable=true -Dfit.validateSeed=50000} checks the file on fresh
 * arguments (13 seconds over all intervals). An interval whose fit comes out
 * worse than where it started keeps the start.
 *
 * <p>On interval g with centre x0, GlibcTrig evaluates, with xx = |x| - x0:
 * w = xx c1 + p, p = tail + xx^2 q, q = c2 + xx (c3 + ...), the result w + head, each step
 * rounded. The unknowns, in the order they are made doubles, are c1, tail, c2, c3, ..., the
 * order in which the steps can be peeled: the result confines w to a run of doubles, which with
 * c1 fixed confines p, which with tail fixed confines q, and so on. Step k's unrounded value is
 * linear in the unknowns from k on.
 */
public final class GlibcTrigIntervalFit {
    private GlibcTrigIntervalFit() {}

    /**
     * At most this many kept arguments per interval: a poor fit after the first round would
     * otherwise keep most of the next round's arguments and exhaust the heap.
     */
    private static final int KEPT = 40_000;

    /** One interval's expansion and the arguments kept for fitting it. */
    private static final class Interval {
        final int g;
        final double x0;
        final double head;
        final int degree;
        /** c1, tail, c2, ..., c_degree. */
        double[] c;
        double[] x = new double[1024];
        double[] y = new double[1024];
        /** The run of w that gives each kept result (which no coefficient changes). */
        long[][] run = new long[1024][];
        int size;

        Interval(int g, double[] start) {
            this.g = g;
            double[] t = GlibcTrig.AsinTables.TABLE;
            int at = GlibcTrig.AsinTables.OFFSET[g];
            degree = GlibcTrig.AsinTables.DEGREE[g];
            x0 = t[at];
            head = t[at + degree + 2];
            c = start;
        }

        void add(double argument, double result) {
            if (size == KEPT) {
                return;
            }
            if (size == x.length) {
                x = Arrays.copyOf(x, 2 * size);
                y = Arrays.copyOf(y, 2 * size);
                run = Arrays.copyOf(run, 2 * size);
            }
            double xx = argument - x0;
            run[size] = GlibcTrigFit.run(w -> w + head, result, result, steps(xx, c)[0]);
            x[size] = argument;
            y[size++] = result;
        }

        double lo() {
            return x0 - 1.0 / 512;
        }

        double hi() {
            return x0 + 1.0 / 512;
        }
    }

    /**
     * The doubles of steps 0..degree at xx for coefficients c: element 0 is w, 1 is p, k >= 2
     * the Horner step that adds c_k (element degree is c_degree itself).
     */
    static double[] steps(double xx, double[] c) {
        int n = c.length;
        double[] v = new double[n];
        double q = c[n - 1];
        v[n - 1] = q;
        for (int k = n - 2; k >= 2; k--) {
            q = Math.fma(q, xx, c[k]);
            v[k] = q;
        }
        double p = Math.fma(q, xx * xx, c[1]);
        v[1] = p;
        v[0] = Math.fma(xx, c[0], p);
        return v;
    }

    /** Step k's double from step k + 1's and c[k]. */
    private static double combine(int k, double coefficient, double next, double xx) {
        return k == 0 ? Math.fma(xx, coefficient, next) : k == 1 ? Math.fma(next, xx * xx, coefficient) : Math.fma(next, xx, coefficient);
    }

    /** How much of step k + 1's value step k's takes. */
    private static double multiplier(int k, double xx) {
        return k == 0 ? 1 : k == 1 ? xx * xx : xx;
    }

    /** The weight of c[i] in step k's unrounded value, exactly, for i &gt;= k. */
    private static BigDecimal weight(int k, int i, double xx) {
        BigDecimal bxx = GlibcTrigFit.exact(xx);
        if (k == 0 && i == 0) {
            return bxx;
        }
        if (i == 1) {
            return BigDecimal.ONE;
        }
        if (i == k) {
            return BigDecimal.ONE;
        }
        // c_i for i >= 2 sits under xx^2 (exactly the double xx * xx) from step 0 or 1, then xx per step
        int from = Math.max(k, 2);
        BigDecimal w = bxx.pow(i - from);
        return k <= 1 ? w.multiply(GlibcTrigFit.exact(xx * xx)) : w;
    }

    private static double result(Interval iv, double xx, double w) {
        return w + iv.head;
    }

    public static void main(String[] args) throws Exception {
        int first = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int last = args.length > 1 ? Integer.parseInt(args[1]) : GlibcTrig.AsinTables.INTERVALS - 1;
        File probe = GlibcTrigFit.compileProbe();
        long started = System.nanoTime();
        long before = 0;
        long after = 0;
        long validated = 0;
        StringBuilder source = new StringBuilder();
        int rounds = Integer.getInteger("fit.rounds", 2);
        double[][] table = Boolean.getBoolean("fit.fromTable") ? GlibcTrigTables.asinExpansions(GlibcTrig.AsinTables.INTERVALS) : null;
        for (int g = first; g <= last; g++) {
            double[] start = table != null && table[g] != null ? table[g] : GlibcTrig.AsinTables.taylorExpansion(g);
            Interval iv = new Interval(g, start.clone());
            long samples = Long.getLong("fit.samples", 1_000_000);
            long filter = 1;
            for (int round = 1; round <= rounds; round++) {
                long t0 = System.nanoTime();
                collect(probe, iv, samples, Long.getLong("fit.seed", 0) + round, filter);
                if (System.getProperty("fit.debug") != null) {
                    System.out.printf("  round %d: %d kept, %.1f s%n", round, iv.size, (System.nanoTime() - t0) / 1e9);
                }
                double[] best = iv.c;
                int fewest = mismatches(iv, iv.c);
                double[] from = iv.c;
                for (int attempt = 0; attempt < 3 && fewest > 0; attempt++) {
                    double[] fitted = GlibcTrigFit.fix(from.clone(), 0, (fixed, j) -> solve(iv, fixed, j));
                    if (fitted == null) {
                        break;
                    }
                    fitted = GlibcTrigFit.polish(fitted, candidate -> mismatches(iv, candidate));
                    from = fitted;
                    int wrong = mismatches(iv, fitted);
                    if (wrong < fewest) {
                        best = fitted;
                        fewest = wrong;
                    }
                }
                iv.c = best;
                if (System.getProperty("fit.debug") != null) {
                    System.out.printf("  fitted: %d wrong, %.1f s%n", fewest, (System.nanoTime() - t0) / 1e9);
                }
                samples *= 4;
            }
            double[] taylor = GlibcTrig.AsinTables.taylorExpansion(g);
            long[] counts = validate(probe, iv, Long.getLong("fit.validate", 1_000_000), Long.getLong("fit.validateSeed", 1000) + g, start, taylor);
            if (counts[0] > counts[1]) {
                iv.c = start;
                counts[0] = counts[1];
            }
            before += counts[1];
            after += counts[0];
            validated += counts[2];
            System.out.printf("interval %d [%s, %s): %d of %d differ, %d with the starting expansion, %d with Taylor's; %s%n", g, iv.lo(),
                    iv.hi(), counts[0], counts[2], counts[1], counts[3], GlibcTrigFit.hex(iv.c));
            source.append("        {");
            for (int k = 0; k < iv.c.length; k++) {
                source.append(k == 0 ? "" : ", ").append(Double.toHexString(iv.c[k]));
            }
            source.append("},\n");
        }
        System.out.printf("all: %d of %d differ, %d with the starting expansions (%.0f s)%n", after, validated, before,
                (System.nanoTime() - started) / 1e9);
        System.out.print(source);
    }

    private static void collect(File probe, Interval iv, long n, long seed, long filter) throws Exception {
        GlibcTrigFit.probe(probe, "asin", n, seed * 1000 + iv.g, iv.lo(), iv.hi(), (x, result) -> {
            double xx = x - iv.x0;
            double[] v = steps(xx, iv.c);
            double w = v[0];
            if (result(iv, xx, w) != result) {
                iv.add(x, result);
                return;
            }
            if (filter > 1) {
                long o = GlibcTrigFit.ordinal(w);
                if (result(iv, xx, GlibcTrigFit.fromOrdinal(o - filter)) != result
                        || result(iv, xx, GlibcTrigFit.fromOrdinal(o + filter)) != result) {
                    iv.add(x, result);
                }
                return;
            }
            // how far the unrounded step lies from the rounding boundary next to w, in ulps of w
            double error = (Math.fma(xx, iv.c[0], -w) + v[1]) / Math.ulp(w);
            if ((error < 0.25 - 0.5 && result(iv, xx, Math.nextDown(w)) != result)
                    || (error > 0.5 - 0.25 && result(iv, xx, Math.nextUp(w)) != result)) {
                iv.add(x, result);
            }
        });
    }

    /** {not reproduced by the fit, by the start, results, not reproduced by Taylor's} over n fresh arguments. */
    private static long[] validate(File probe, Interval iv, long n, long seed, double[] start, double[] taylor) throws Exception {
        long[] counts = new long[4];
        GlibcTrigFit.probe(probe, "asin", n, seed, iv.lo(), iv.hi(), (x, result) -> {
            double xx = x - iv.x0;
            counts[2]++;
            if (result(iv, xx, steps(xx, iv.c)[0]) != result) {
                counts[0]++;
            }
            if (result(iv, xx, steps(xx, start)[0]) != result) {
                counts[1]++;
            }
            if (result(iv, xx, steps(xx, taylor)[0]) != result) {
                counts[3]++;
            }
        });
        return counts;
    }

    private static int mismatches(Interval iv, double[] c) {
        int wrong = 0;
        for (int i = 0; i < iv.size; i++) {
            double xx = iv.x[i] - iv.x0;
            if (result(iv, xx, steps(xx, c)[0]) != iv.y[i]) {
                wrong++;
            }
        }
        return wrong;
    }

    /** Changes to c[j..] keeping step j's unrounded value within every kept result's bounds; null if none. */
    private static double[] solve(Interval iv, double[] c, int j) {
        int n = c.length;
        int m = n - j;
        List<double[]> rows = new ArrayList<>();
        List<double[]> bounds = new ArrayList<>();
        List<BigDecimal[]> exactRows = new ArrayList<>();
        double unit = 0;
        List<BigDecimal[]> limits = new ArrayList<>();
        List<Double> slacks = new ArrayList<>();
        for (int i = 0; i < iv.size; i++) {
            double xx = iv.x[i] - iv.x0;
            double[] v = steps(xx, c);
            long[] run = iv.run[i];
            for (int k = 0; run != null && run.length == 2 && k < j; k++) {
                int level = k;
                double fixed = c[k];
                run = GlibcTrigFit.run(q -> combine(level, fixed, q, xx), GlibcTrigFit.fromOrdinal(run[0]),
                        GlibcTrigFit.fromOrdinal(run[1]), v[k + 1]);
            }
            if (run == null) {
                continue;
            }
            if (run.length == 0) {
                if (j > 1) {
                    return new double[n];
                }
                if (j > 0) {
                    return null;
                }
                continue;
            }
            BigDecimal lower = GlibcTrigFit.exact(GlibcTrigFit.fromOrdinal(run[0])).add(GlibcTrigFit.exact(GlibcTrigFit.fromOrdinal(run[0] - 1)))
                    .multiply(BigDecimal.valueOf(0.5));
            BigDecimal upper = GlibcTrigFit.exact(GlibcTrigFit.fromOrdinal(run[1])).add(GlibcTrigFit.exact(GlibcTrigFit.fromOrdinal(run[1] + 1)))
                    .multiply(BigDecimal.valueOf(0.5));
            BigDecimal[] w = new BigDecimal[m];
            BigDecimal reference = BigDecimal.ZERO;
            for (int k = j; k < n; k++) {
                w[k - j] = weight(j, k, xx);
                reference = reference.add(w[k - j].multiply(GlibcTrigFit.exact(c[k])));
            }
            double slack = 0;
            double chain = 1;
            for (int k = j + 1; k < n; k++) {
                chain *= Math.abs(multiplier(k - 1, xx));
                slack += chain * Math.ulp(v[k]);
            }
            unit = Math.max(unit, Math.ulp(v[j]));
            exactRows.add(w);
            limits.add(new BigDecimal[] {lower.subtract(reference), upper.subtract(reference)});
            slacks.add(slack);
        }
        if (exactRows.isEmpty()) {
            return new double[n];
        }
        // columns scaled to their largest weight, bounds in units of step j's largest ulp
        double[] scale = new double[m];
        for (BigDecimal[] w : exactRows) {
            for (int k = 0; k < m; k++) {
                scale[k] = Math.max(scale[k], Math.abs(w[k].doubleValue()));
            }
        }
        for (int k = 0; k < m; k++) {
            if (scale[k] == 0) {
                scale[k] = 1;
            }
        }
        BigDecimal perUnit = GlibcTrigFit.exact(1 / unit);
        for (int i = 0; i < exactRows.size(); i++) {
            double[] row = new double[m];
            for (int k = 0; k < m; k++) {
                row[k] = exactRows.get(i)[k].doubleValue() / scale[k];
            }
            double s = slacks.get(i) / unit;
            rows.add(row);
            bounds.add(new double[] {limits.get(i)[0].multiply(perUnit).doubleValue() - s, limits.get(i)[1].multiply(perUnit).doubleValue() + s});
        }
        double[] e = m == 1 ? GlibcTrigFit.intervalSolve(rows, bounds) : GlibcTrigFit.ellipsoid(rows, bounds, m, 1e7);
        if (e == null) {
            // Past the first steps, a solution of the widened problem one step up can leave the
            // exact problem here none; keep that solution for the rest and leave it to the polish.
            return j > 1 ? new double[n] : null;
        }
        double[] delta = new double[n];
        for (int k = 0; k < m; k++) {
            delta[j + k] = e[k] * unit / scale[k];
        }
        return delta;
    }
}
