package io.cinnabar.protocol;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * Redis's textual forms of doubles.
 *
 * <p>{@link #format} writes C's "%.17g" without allocating for the values sorted-set scores
 * usually hold: integers below 2^63 and anything from 0.01 up. Those are rounded to 17
 * significant digits exactly (half-even on the binary value, as glibc does) with 128-bit integer
 * arithmetic; other magnitudes go through BigDecimal.
 */
public final class DoubleFormat {
    private static final MathContext SEVENTEEN = new MathContext(17, RoundingMode.HALF_EVEN);
    /** Longest "%.17g" output: sign, 17 digits, point, "e-308". */
    public static final int MAX_LENGTH = 32;
    private static final long[] POW10 = new long[19];
    private static final long TEN_16 = 10_000_000_000_000_000L;
    private static final long TEN_17 = 100_000_000_000_000_000L;

    static {
        long p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private DoubleFormat() {}

    /** C's "%.17g", as Redis's addReplyDouble uses (inf and -inf for infinities). */
    public static String reply(double d) {
        byte[] buf = new byte[MAX_LENGTH];
        int n = format(d, buf, 0);
        return new String(buf, 0, n, StandardCharsets.US_ASCII);
    }

    /** Writes "%.17g" of d at {@code out[pos]}; returns the number of bytes written. */
    public static int format(double d, byte[] out, int pos) {
        if (Double.isInfinite(d)) {
            return put(out, pos, d > 0 ? INF : MINUS_INF);
        }
        if (Double.isNaN(d)) {
            return put(out, pos, NAN);
        }
        if (d == 0) {
            return put(out, pos, (1 / d < 0) ? MINUS_ZERO : ZERO);
        }
        int start = pos;
        double a = Math.abs(d);
        if (d < 0) {
            out[pos++] = '-';
        }
        long digits;
        int exponent;
        if (a < 9.2233720368547758E18 && a == (long) a) {
            long v = (long) a;
            if (v < TEN_17) {
                return pos - start + writeLong(v, out, pos);
            }
            int dropped = v >= TEN_17 * 10 ? 2 : 1;
            digits = roundDiv(v, POW10[dropped]);
            exponent = 16 + dropped;
            if (digits == TEN_17) {
                digits = TEN_16;
                exponent++;
            }
        } else if (a >= 0.01 && a < 1e17) {
            // log10 may misjudge by one near a power of ten; the digit count below corrects it,
            // and the clamp keeps 10^(16-exponent) within a long.
            exponent = Math.max(-2, Math.min(16, (int) Math.floor(Math.log10(a))));
            digits = scaled(a, 16 - exponent);
            if (digits >= TEN_17) {
                exponent++;
                digits = scaled(a, 16 - exponent);
            } else if (digits < TEN_16) {
                exponent--;
                digits = scaled(a, 16 - exponent);
            }
            if (digits == TEN_17) {
                digits = TEN_16;
                exponent++;
            }
        } else {
            return pos - start + slow(a, out, pos);
        }
        return pos - start + layout(digits, exponent, out, pos);
    }

    /** round_half_even(v / divisor) for positive v. */
    private static long roundDiv(long v, long divisor) {
        long q = v / divisor;
        long r = v - q * divisor;
        long twice = r * 2;
        if (twice > divisor || (twice == divisor && (q & 1) != 0)) {
            q++;
        }
        return q;
    }

    /**
     * round_half_even(a * 10^k) exactly, for normal a >= 0.01 and 0 <= k <= 18 (the caller's
     * range guarantees both): a = m * 2^e with e in [-59, 0), so the product is m * 10^k
     * (at most 113 bits) shifted right by -e.
     */
    private static long scaled(double a, int k) {
        long bits = Double.doubleToRawLongBits(a);
        long m = (bits & 0x000F_FFFF_FFFF_FFFFL) | 0x0010_0000_0000_0000L;
        int e = (int) ((bits >>> 52) & 0x7FF) - 1075;
        long p = POW10[k];
        long lo = m * p;
        long hi = Math.multiplyHigh(m, p);
        if (e >= 0) {
            return lo << e; // not reached for non-integers, kept for safety
        }
        int s = -e;
        long q = (hi << (64 - s)) | (lo >>> s);
        long rem = lo & ((1L << s) - 1);
        long half = 1L << (s - 1);
        if (rem > half || (rem == half && (q & 1) != 0)) {
            q++;
        }
        return q;
    }

    /** Lays out 17 significant digits (trailing zeros dropped) with a decimal exponent, as %g. */
    private static int layout(long digits, int exponent, byte[] out, int pos) {
        int n = 17;
        while (digits % 10 == 0) {
            digits /= 10;
            n--;
        }
        int start = pos;
        if (exponent >= -4 && exponent < 17) {
            if (exponent >= 0) {
                int intDigits = exponent + 1;
                if (n <= intDigits) {
                    pos += writeLong(digits, out, pos);
                    for (int i = n; i < intDigits; i++) {
                        out[pos++] = '0';
                    }
                } else {
                    writeDigits(digits, n, out, pos, intDigits);
                    pos += n + 1;
                }
            } else {
                out[pos++] = '0';
                out[pos++] = '.';
                for (int i = -1; i > exponent; i--) {
                    out[pos++] = '0';
                }
                pos += writeLong(digits, out, pos);
            }
        } else {
            if (n == 1) {
                out[pos++] = (byte) ('0' + digits);
            } else {
                writeDigits(digits, n, out, pos, 1);
                pos += n + 1;
            }
            out[pos++] = 'e';
            out[pos++] = (byte) (exponent < 0 ? '-' : '+');
            int x = Math.abs(exponent);
            if (x >= 100) {
                out[pos++] = (byte) ('0' + x / 100);
            }
            out[pos++] = (byte) ('0' + (x / 10) % 10);
            out[pos++] = (byte) ('0' + x % 10);
        }
        return pos - start;
    }

    /** Writes the n digits of v with a '.' after the first {@code pointAfter} of them. */
    private static void writeDigits(long v, int n, byte[] out, int pos, int pointAfter) {
        for (int i = n - 1; i >= 0; i--) {
            int at = i >= pointAfter ? pos + i + 1 : pos + i;
            out[at] = (byte) ('0' + v % 10);
            v /= 10;
        }
        out[pos + pointAfter] = '.';
    }

    private static int writeLong(long v, byte[] out, int pos) {
        int n = 1;
        for (long x = v; x >= 10; x /= 10) {
            n++;
        }
        for (int i = pos + n - 1; i >= pos; i--) {
            out[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return n;
    }

    private static int put(byte[] out, int pos, byte[] text) {
        System.arraycopy(text, 0, out, pos, text.length);
        return text.length;
    }

    private static final byte[] INF = {'i', 'n', 'f'};
    private static final byte[] MINUS_INF = {'-', 'i', 'n', 'f'};
    private static final byte[] NAN = {'n', 'a', 'n'};
    private static final byte[] ZERO = {'0'};
    private static final byte[] MINUS_ZERO = {'-', '0'};

    /** "%.17g" of a positive finite value through exact BigDecimal rounding. */
    private static int slow(double a, byte[] out, int pos) {
        return put(out, pos, bigDecimalFormat(a).getBytes(StandardCharsets.US_ASCII));
    }

    /** The reference "%.17g" (BigDecimal, exact); also what the property test checks against. */
    static String bigDecimalFormat(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        BigDecimal exact = new BigDecimal(d).round(SEVENTEEN);
        int exponent = exact.precision() - exact.scale() - 1;
        if (exponent < -4 || exponent >= 17) {
            String digits = exact.unscaledValue().abs().toString();
            digits = stripZeros(digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits);
            String sign = exact.signum() < 0 ? "-" : "";
            String exp = (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
            return sign + digits + "e" + exp;
        }
        String plain = exact.toPlainString();
        return plain.indexOf('.') >= 0 ? stripZeros(plain) : plain;
    }

    /** Drops trailing zeros after a decimal point, and the point if nothing follows it. */
    public static String stripZeros(String s) {
        if (s.indexOf('.') < 0) {
            return s;
        }
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }
}
