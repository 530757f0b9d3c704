package io.cinnabar.util;

/**
 * asin rounded to the nearest double. Redis's geo distances end in glibc's asin, which is far
 * closer to correctly rounded than Java's {@link Math#asin} (fdlibm, about 4% of results one ulp
 * off glibc's on geo inputs, against about 0.2% here); a distance one ulp away shows in a
 * STOREDIST score. Math's estimate r is corrected by (y - sin r) / cos r, with sin r summed as a
 * Taylor series in double-double arithmetic (about 85 bits), and the sum is rounded once.
 */
public final class RoundedTrig {
    private RoundedTrig() {}

    public static double asin(double y) {
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
