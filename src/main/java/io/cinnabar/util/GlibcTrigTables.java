package io.cinnabar.util;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Computes every table and constant {@link GlibcTrig} evaluates: sin and cos at the 1/128 grid as
 * head and tail doubles, the Taylor expansion of asin around the centre of every 1/256 interval
 * of [0.125, 0.96875), reciprocal square root seeds, the head and tail of pi/2 and the series
 * coefficients. Nothing is read from elsewhere; the values are checked against the C library
 * through {@link GlibcTrig}'s outputs (see GlibcTrigTest).
 *
 * <p>Numbers are binary fixed point, BigIntegers counting units of 2^-200: every argument is a
 * dyadic fraction, each operation errs by about one unit, and 2^-200 is far below the 2^-110 or
 * so that rounding a head and tail pair needs.
 */
final class GlibcTrigTables {
    private GlibcTrigTables() {}

    private static final int BITS = 200;
    static final BigInteger ONE = BigInteger.ONE.shiftLeft(BITS);

    /** numerator / 2^exponent. */
    static BigInteger dyadic(long numerator, int exponent) {
        return BigInteger.valueOf(numerator).shiftLeft(BITS - exponent);
    }

    static BigInteger exactly(double d) {
        long bits = Double.doubleToRawLongBits(d);
        int exponent = Math.getExponent(d);
        long mantissa = (bits & 0xfffffffffffffL) | 0x10000000000000L;
        BigInteger magnitude = BigInteger.valueOf(mantissa).shiftLeft(BITS + exponent - 52);
        return d < 0 ? magnitude.negate() : magnitude;
    }

    static BigInteger multiply(BigInteger a, BigInteger b) {
        return a.multiply(b).shiftRight(BITS);
    }

    static BigInteger divide(BigInteger a, BigInteger b) {
        return a.shiftLeft(BITS).divide(b);
    }

    static BigInteger sqrt(BigInteger a) {
        return a.shiftLeft(BITS).sqrt();
    }

    /** v rounded to the nearest multiple of 2^-bits, ties to even, as a double. */
    static double roundToMultiple(BigInteger v, int bits) {
        BigInteger magnitude = v.abs();
        int shift = BITS - bits;
        BigInteger kept = magnitude.shiftRight(shift);
        int comparison = magnitude.subtract(kept.shiftLeft(shift)).shiftLeft(1).compareTo(BigInteger.ONE.shiftLeft(shift));
        if (comparison > 0 || (comparison == 0 && kept.testBit(0))) {
            kept = kept.add(BigInteger.ONE);
        }
        double rounded = Math.scalb(kept.doubleValue(), -bits);
        return v.signum() < 0 ? -rounded : rounded;
    }

    /** The double nearest to v. */
    static double nearest(BigInteger v) {
        int bitLength = v.abs().bitLength();
        return bitLength <= 53 ? Math.scalb(v.doubleValue(), -BITS) : roundToMultiple(v, BITS - (bitLength - 53));
    }

    /** The double nearest to v - head. */
    static double tail(BigInteger v, double head) {
        return nearest(v.subtract(exactly(head)));
    }

    private static BigInteger atanInverse(int n) {
        BigInteger x = ONE.divide(BigInteger.valueOf(n));
        BigInteger x2 = multiply(x, x);
        BigInteger power = x;
        BigInteger sum = BigInteger.ZERO;
        for (int k = 0; power.signum() > 0; k++) {
            BigInteger term = power.divide(BigInteger.valueOf(2L * k + 1));
            sum = (k & 1) == 0 ? sum.add(term) : sum.subtract(term);
            power = multiply(power, x2);
        }
        return sum;
    }

    /** pi by Machin's formula. */
    static BigInteger pi() {
        return atanInverse(5).shiftLeft(4).subtract(atanInverse(239).shiftLeft(2));
    }

    /** sin (odd = true) or cos of |x| &lt;= 2 by its Taylor series. */
    static BigInteger sinOrCos(BigInteger x, boolean odd) {
        BigInteger x2 = multiply(x, x);
        BigInteger term = odd ? x : ONE;
        BigInteger sum = term;
        for (int k = odd ? 2 : 1; term.signum() != 0; k += 2) {
            term = multiply(term, x2).divide(BigInteger.valueOf((long) k * (k + 1))).negate();
            sum = sum.add(term);
        }
        return sum;
    }

    /** asin(y) for 0 &lt;= y &lt; 1, by Newton's method on sin from Math's estimate. */
    static BigInteger asin(BigInteger y) {
        BigInteger r = exactly(Math.asin(nearest(y)));
        for (int i = 0; i < 2; i++) { // each step squares the error: Math's 2^-53, 2^-106, past 2^-200
            r = r.subtract(divide(sinOrCos(r, true).subtract(y), sinOrCos(r, false)));
        }
        return r;
    }

    /**
     * The Taylor coefficients of asin around x0: element k is asin's k-th derivative at x0 over
     * k!, for k = 1..degree (element 0 unused). asin' = u^(-1/2) with u(h) = 1 - (x0 + h)^2 =
     * u0 + u1 h + u2 h^2, whose powers follow from u v' = -u' v / 2:
     * v_k = -sum over j of (2k - j) u_j v_(k-j) / (2k u0).
     */
    static BigInteger[] asinTaylor(BigInteger x0, int degree) {
        BigInteger[] u = {ONE.subtract(multiply(x0, x0)), x0.shiftLeft(1).negate(), ONE.negate()};
        BigInteger[] v = new BigInteger[degree];
        BigInteger reciprocal = divide(ONE, u[0]);
        v[0] = divide(ONE, sqrt(u[0]));
        for (int k = 1; k < degree; k++) {
            BigInteger sum = BigInteger.ZERO;
            for (int j = 1; j <= Math.min(k, 2); j++) {
                sum = sum.subtract(multiply(u[j], v[k - j]).multiply(BigInteger.valueOf(2L * k - j)));
            }
            v[k] = multiply(sum.divide(BigInteger.valueOf(2L * k)), reciprocal);
        }
        BigInteger[] c = new BigInteger[degree + 1];
        for (int k = 1; k <= degree; k++) {
            c[k] = v[k - 1].divide(BigInteger.valueOf(k));
        }
        return c;
    }

    /** 1/sqrt(m) printed with 14 decimals, the precision of the C library's seeds. */
    static double reciprocalSqrtSeed(BigInteger m) {
        BigInteger r = divide(ONE, sqrt(m));
        BigDecimal exact = new BigDecimal(r.multiply(BigInteger.valueOf(5).pow(BITS)), BITS);
        return Double.parseDouble(exact.setScale(14, RoundingMode.HALF_EVEN).toString());
    }

    /** (2k)! / (4^k (k!)^2), the product of (2i - 1) / (2i) for i = 1..k. */
    private static BigInteger centralBinomialRatio(int k) {
        BigInteger c = ONE;
        for (int i = 1; i <= k; i++) {
            c = c.multiply(BigInteger.valueOf(2L * i - 1)).divide(BigInteger.valueOf(2L * i));
        }
        return c;
    }

    /** The coefficient of x^(2k+1) in asin's series: (2k)! / (4^k (k!)^2 (2k+1)). */
    static double asinSeriesCoefficient(int k) {
        return nearest(centralBinomialRatio(k).divide(BigInteger.valueOf(2L * k + 1)));
    }

    /** (-1)^k / n!, the Taylor coefficient of x^n in sin (n odd) or cos (n even), n = 2k or 2k+1. */
    static double sinCosSeriesCoefficient(int n) {
        BigInteger factorial = BigInteger.ONE;
        for (int i = 2; i <= n; i++) {
            factorial = factorial.multiply(BigInteger.valueOf(i));
        }
        BigInteger c = ONE.divide(factorial);
        return nearest((n / 2) % 2 == 0 ? c : c.negate());
    }

    /** The coefficient of r^k in (1 - r)^(-1/2): (2k)! / (4^k (k!)^2). */
    static double reciprocalSqrtSeriesCoefficient(int k) {
        return nearest(centralBinomialRatio(k));
    }

    /**
     * asin's expansion around the centre of each 1/256 interval of [0.125, 0.96875), as {c1,
     * tail, c2, ..., cN} (tail: the constant term's part below its head, asin(x0) rounded to a
     * multiple of 2^-51), fitted to glibc 2.36's asin by GlibcTrigIntervalFit from the Taylor
     * expansion; null for an interval not fitted, where Taylor's is used. Read from
     * glibc-asin-expansions.txt, the tool's output: a line per fitted interval, its number then
     * the coefficients as hex doubles.
     */
    static double[][] asinExpansions(int intervals) {
        double[][] expansions = new double[intervals][];
        try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                GlibcTrigTables.class.getResourceAsStream("glibc-asin-expansions.txt"), java.nio.charset.StandardCharsets.US_ASCII))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.trim().split("\\s+");
                double[] expansion = new double[fields.length - 1];
                for (int k = 1; k < fields.length; k++) {
                    expansion[k - 1] = Double.parseDouble(fields[k]);
                }
                expansions[Integer.parseInt(fields[0])] = expansion;
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return expansions;
    }
}
