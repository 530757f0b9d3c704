package io.cinnabar.types;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * An exact emulation of the x87 80-bit {@code long double} that Redis uses for INCRBYFLOAT and
 * HINCRBYFLOAT: a 64-bit binary significand, exponents down to the subnormal 2^-16445 and up to
 * 2^16384 (exclusive). A value is held exactly as sign, significand and binary exponent; every
 * operation rounds to the nearest representable value, ties to even, as the FPU does. Parsing follows glibc's {@code strtold} as Redis's {@code string2ld} calls it, and
 * {@link #toHumanString()} matches Redis's "%.17Lf" with trailing zeros stripped.
 */
public final class LongDouble {
    /** Significand bits of the x87 extended format (explicit integer bit included). */
    static final int SIGNIFICAND_BITS = 64;
    /** Binary exponent of the smallest subnormal: 2^-16445. */
    static final int MIN_EXPONENT = -16445;
    /** Every finite value is below 2^16384. */
    static final int MAX_EXPONENT = 16384;
    /** Redis's MAX_LONG_DOUBLE_CHARS: longer input is rejected. */
    static final int MAX_CHARS = 5 * 1024;
    private static final BigInteger[] TEN_POWERS = new BigInteger[64];

    static {
        TEN_POWERS[0] = BigInteger.ONE;
        for (int i = 1; i < TEN_POWERS.length; i++) {
            TEN_POWERS[i] = TEN_POWERS[i - 1].multiply(BigInteger.TEN);
        }
    }

    private static final BigInteger TEN_POW_17 = TEN_POWERS[17];

    static BigInteger tenPow(int n) {
        return n < TEN_POWERS.length ? TEN_POWERS[n] : BigInteger.TEN.pow(n);
    }

    public static final LongDouble ZERO = new LongDouble(false, BigInteger.ZERO, 0, 0);
    public static final LongDouble POSITIVE_INFINITY = new LongDouble(false, null, 0, 1);
    public static final LongDouble NEGATIVE_INFINITY = new LongDouble(true, null, 0, -1);
    public static final LongDouble NAN = new LongDouble(false, null, 0, 0);

    // A finite value is (negative ? -1 : 1) * significand * 2^exponent, the significand at most
    // 64 bits and odd (or zero), so each value has one form. Null significand: infinity or NaN.
    private final boolean negative;
    private final BigInteger significand;
    private final int exponent;
    private final int infinity; // +1 / -1 for infinities, 0 otherwise

    private LongDouble(boolean negative, BigInteger significand, int exponent, int infinity) {
        this.negative = negative;
        this.significand = significand;
        this.exponent = exponent;
        this.infinity = infinity;
    }

    /** Any long converts exactly (it has at most 64 significant bits). */
    public static LongDouble of(long v) {
        if (v == 0) {
            return ZERO;
        }
        return round(v < 0, BigInteger.valueOf(v).abs(), 0, false);
    }

    /** The nearest long double to an exact decimal. */
    public static LongDouble nearest(BigDecimal exact) {
        if (exact.signum() == 0) {
            return ZERO;
        }
        BigInteger unscaled = exact.unscaledValue();
        int scale = exact.scale();
        if (scale <= 0) {
            return round(unscaled.signum() < 0, unscaled.abs().multiply(BigInteger.TEN.pow(-scale)), 0, false);
        }
        return nearest(unscaled.signum() < 0, unscaled.abs(), BigInteger.TEN.pow(scale));
    }

    public boolean isFinite() {
        return significand != null;
    }

    public boolean isNaN() {
        return significand == null && infinity == 0;
    }

    public boolean isInfinite() {
        return infinity != 0;
    }

    /** The exact value as a decimal (finite values only). */
    public BigDecimal exact() {
        BigDecimal v = exponent >= 0
                ? new BigDecimal(significand.shiftLeft(exponent))
                : new BigDecimal(significand.multiply(BigInteger.valueOf(5).pow(-exponent)), -exponent); // m/2^n = m*5^n/10^n
        return negative ? v.negate() : v;
    }

    /** IEEE addition in extended precision, rounded to nearest-even. */
    public LongDouble add(LongDouble o) {
        if (isNaN() || o.isNaN()) {
            return NAN;
        }
        if (infinity != 0 || o.infinity != 0) {
            if (infinity != 0 && o.infinity != 0 && infinity != o.infinity) {
                return NAN;
            }
            return infinity != 0 ? this : o;
        }
        if (significand.signum() == 0) {
            return o;
        }
        if (o.significand.signum() == 0) {
            return this;
        }
        // An operand wholly below a quarter of the other's last significant bit cannot change
        // the rounded sum (the other is representable), so skip the long shift.
        long top = (long) exponent + significand.bitLength();
        long otherTop = (long) o.exponent + o.significand.bitLength();
        if (otherTop < top - SIGNIFICAND_BITS - 2) {
            return this;
        }
        if (top < otherTop - SIGNIFICAND_BITS - 2) {
            return o;
        }
        LongDouble hi = exponent >= o.exponent ? this : o;
        LongDouble lo = hi == this ? o : this;
        BigInteger a = hi.significand.shiftLeft(hi.exponent - lo.exponent);
        if (hi.negative) {
            a = a.negate();
        }
        BigInteger sum = lo.negative ? a.subtract(lo.significand) : a.add(lo.significand);
        if (sum.signum() == 0) {
            return ZERO;
        }
        return round(sum.signum() < 0, sum.abs(), lo.exponent, false);
    }

    /**
     * Redis's "human friendly" long double text: "%.17Lf" with trailing zeros (and a bare '.')
     * removed, "-0" written as "0", infinities as "inf" and "-inf".
     */
    public String toHumanString() {
        if (significand == null) {
            return infinity > 0 ? "inf" : infinity < 0 ? "-inf" : "nan";
        }
        BigInteger whole;
        long decimals = 0;
        if (exponent >= 0) {
            whole = significand.shiftLeft(exponent);
        } else {
            // glibc prints the exact binary value rounded to 17 decimals, ties to even.
            int n = -exponent;
            whole = significand.shiftRight(n);
            BigInteger scaled = significand.subtract(whole.shiftLeft(n)).multiply(TEN_POW_17);
            BigInteger d = scaled.shiftRight(n);
            BigInteger rest = scaled.subtract(d.shiftLeft(n));
            int cmp = rest.compareTo(BigInteger.ONE.shiftLeft(n - 1));
            decimals = d.longValue();
            if (cmp > 0 || (cmp == 0 && (decimals & 1) != 0)) {
                decimals++;
                if (decimals == 100_000_000_000_000_000L) {
                    decimals = 0;
                    whole = whole.add(BigInteger.ONE);
                }
            }
        }
        StringBuilder out = new StringBuilder(24);
        if (negative && (decimals != 0 || whole.signum() != 0)) {
            out.append('-');
        }
        out.append(whole);
        if (decimals != 0) {
            String frac = Long.toString(decimals);
            out.append('.');
            for (int i = frac.length(); i < 17; i++) {
                out.append('0');
            }
            int end = frac.length();
            while (frac.charAt(end - 1) == '0') {
                end--;
            }
            out.append(frac, 0, end);
        }
        return out.toString();
    }

    public byte[] toHumanBytes() {
        return toHumanString().getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return significand == null ? toHumanString() : exact().toString();
    }

    // ---------------------------------------------------------------- rounding

    /** The nearest long double to num/den (num, den positive). */
    static LongDouble nearest(boolean negative, BigInteger num, BigInteger den) {
        // Choose a shift so that q = floor(num * 2^shift / den) has at least 66 bits; the
        // remainder then only matters as a sticky bit.
        int shift = SIGNIFICAND_BITS + 2 - (num.bitLength() - den.bitLength());
        BigInteger[] qr = shift >= 0
                ? num.shiftLeft(shift).divideAndRemainder(den)
                : num.divideAndRemainder(den.shiftLeft(-shift));
        return round(negative, qr[0], -(long) shift, qr[1].signum() != 0);
    }

    /**
     * Rounds q * 2^exp (q positive), plus a nonzero amount below q's last bit when
     * {@code sticky}, to the nearest long double, ties to even: 64 significant bits, fewer for
     * subnormals (no bit may weigh less than 2^MIN_EXPONENT), infinity past the largest value.
     */
    static LongDouble round(boolean negative, BigInteger q, long exp, boolean sticky) {
        long drop = Math.max(q.bitLength() - SIGNIFICAND_BITS, MIN_EXPONENT - exp);
        BigInteger kept = q;
        if (drop > 0) {
            if (drop > q.bitLength() + 1) {
                return ZERO; // below half the smallest subnormal
            }
            int d = (int) drop;
            kept = q.shiftRight(d);
            boolean half = q.testBit(d - 1);
            boolean belowHalf = sticky || q.getLowestSetBit() < d - 1;
            if (half && (belowHalf || kept.testBit(0))) {
                kept = kept.add(BigInteger.ONE);
            }
            exp += d;
        }
        if (kept.signum() == 0) {
            return ZERO;
        }
        int zeros = kept.getLowestSetBit();
        kept = kept.shiftRight(zeros);
        exp += zeros;
        if (kept.bitLength() + exp > MAX_EXPONENT) {
            return negative ? NEGATIVE_INFINITY : POSITIVE_INFINITY;
        }
        return new LongDouble(negative, kept, (int) exp, 0);
    }

    // ---------------------------------------------------------------- parsing

    /**
     * Parses as Redis's string2ld: the whole text must be one number for strtold (decimal, hex
     * "0x...p..", "inf"/"infinity"), without leading space; NaN, overflow and underflow to zero are
     * rejected. Returns null when invalid (also for an embedded NUL: Redis wants every byte used).
     */
    public static LongDouble parse(byte[] b, int from, int to) {
        int len = to - from;
        if (len <= 0 || len >= MAX_CHARS) {
            return null;
        }
        if (isSpace(b[from])) {
            return null;
        }
        return new Parser(b, from, to).parse();
    }

    public static LongDouble parse(byte[] b) {
        return parse(b, 0, b.length);
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    private static final class Parser {
        private final byte[] b;
        private final int to;
        private int pos;

        Parser(byte[] b, int from, int to) {
            this.b = b;
            this.pos = from;
            this.to = to;
        }

        private int peek() {
            return pos < to ? (b[pos] | 0x20) : -1; // lowercased letters
        }

        private boolean word(String w) {
            if (to - pos < w.length()) {
                return false;
            }
            for (int i = 0; i < w.length(); i++) {
                if ((b[pos + i] | 0x20) != w.charAt(i)) {
                    return false;
                }
            }
            pos += w.length();
            return true;
        }

        LongDouble parse() {
            boolean negative = false;
            if (b[pos] == '+' || b[pos] == '-') {
                negative = b[pos] == '-';
                pos++;
            }
            if (word("inf")) {
                word("inity");
                return pos == to ? (negative ? NEGATIVE_INFINITY : POSITIVE_INFINITY) : null;
            }
            if (word("nan")) {
                return null; // NaN (with or without a payload) is always rejected
            }
            LongDouble v;
            if (to - pos > 2 && b[pos] == '0' && (b[pos + 1] | 0x20) == 'x' && isHexDigitOrDot(pos + 2)) {
                pos += 2;
                v = hex();
            } else {
                v = decimal();
            }
            if (v == null || pos != to) {
                return null;
            }
            if (v.isInfinite()) {
                return null; // overflow: strtold returns HUGE_VALL with ERANGE
            }
            return negative && v.significand.signum() != 0 ? new LongDouble(true, v.significand, v.exponent, 0) : v;
        }

        private boolean isHexDigitOrDot(int i) {
            // "0x" must be followed by a hex digit (possibly after the point) to be hex at all.
            if (hexDigit(b[i]) >= 0) {
                return true;
            }
            return b[i] == '.' && i + 1 < to && hexDigit(b[i + 1]) >= 0;
        }

        private LongDouble decimal() {
            // Significant digits (leading zeros skipped) go into a long while they fit, and are
            // re-read as a BigInteger only for long inputs.
            int start = pos;
            long small = 0;
            int sig = 0;
            int fraction = 0;
            boolean any = false;
            boolean point = false;
            for (; pos < to; pos++) {
                byte c = b[pos];
                if (c == '.' && !point) {
                    point = true;
                    continue;
                }
                if (c < '0' || c > '9') {
                    break;
                }
                any = true;
                if (point) {
                    fraction++;
                }
                if (sig > 0 || c != '0') {
                    sig++;
                    if (sig <= 18) {
                        small = small * 10 + (c - '0');
                    }
                }
            }
            int end = pos;
            if (!any) {
                return null;
            }
            long exp = exponent('e');
            if (sig == 0) {
                return ZERO;
            }
            BigInteger mantissa = sig <= 18 ? BigInteger.valueOf(small) : digitsOf(start, end);
            // Decimal exponent of the leading digit, to reject absurd magnitudes cheaply.
            long lead = exp - fraction + sig - 1;
            if (lead > 4940) {
                return POSITIVE_INFINITY;
            }
            if (lead < -4960) {
                return null; // underflows to zero: ERANGE
            }
            long scale = fraction - exp;
            LongDouble v = scale <= 0
                    ? round(false, mantissa.multiply(tenPow((int) -scale)), 0, false)
                    : nearest(false, mantissa, tenPow((int) scale));
            return v == ZERO ? null : v;
        }

        private BigInteger digitsOf(int start, int end) {
            StringBuilder digits = new StringBuilder(end - start);
            for (int i = start; i < end; i++) {
                if (b[i] != '.') {
                    digits.append((char) b[i]);
                }
            }
            return new BigInteger(digits.toString());
        }

        private LongDouble hex() {
            BigInteger mantissa = BigInteger.ZERO;
            long binaryExp = 0;
            boolean any = false;
            int d;
            while (pos < to && (d = hexDigit(b[pos])) >= 0) {
                mantissa = mantissa.shiftLeft(4).or(BigInteger.valueOf(d));
                pos++;
                any = true;
            }
            if (pos < to && b[pos] == '.') {
                pos++;
                while (pos < to && (d = hexDigit(b[pos])) >= 0) {
                    mantissa = mantissa.shiftLeft(4).or(BigInteger.valueOf(d));
                    binaryExp -= 4;
                    pos++;
                    any = true;
                }
            }
            if (!any) {
                return null;
            }
            long exp = exponent('p');
            if (mantissa.signum() == 0) {
                return ZERO;
            }
            long e = binaryExp + exp;
            long top = e + mantissa.bitLength();
            if (top > MAX_EXPONENT + 1) {
                return POSITIVE_INFINITY;
            }
            if (top < MIN_EXPONENT - 1) {
                return null;
            }
            LongDouble v = round(false, mantissa, e, false);
            return v == ZERO ? null : v;
        }

        /**
         * An optional exponent part starting with the given letter. Without digits after it the
         * letter is not consumed (and the caller then sees trailing garbage). Huge exponents are
         * clamped.
         */
        private long exponent(char letter) {
            if (peek() != letter) {
                return 0;
            }
            int save = pos;
            pos++;
            boolean negative = false;
            if (pos < to && (b[pos] == '+' || b[pos] == '-')) {
                negative = b[pos] == '-';
                pos++;
            }
            if (pos >= to || b[pos] < '0' || b[pos] > '9') {
                pos = save;
                return 0;
            }
            long e = 0;
            while (pos < to && b[pos] >= '0' && b[pos] <= '9') {
                if (e < 1_000_000_000L) {
                    e = e * 10 + (b[pos] - '0');
                }
                pos++;
            }
            return negative ? -e : e;
        }

        private static int hexDigit(byte c) {
            if (c >= '0' && c <= '9') {
                return c - '0';
            }
            int l = c | 0x20;
            if (l >= 'a' && l <= 'f') {
                return l - 'a' + 10;
            }
            return -1;
        }
    }
}
