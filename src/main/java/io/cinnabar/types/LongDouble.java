package io.cinnabar.types;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * An exact emulation of the x87 80-bit {@code long double} that Redis uses for INCRBYFLOAT and
 * HINCRBYFLOAT: a 64-bit binary significand, exponents down to the subnormal 2^-16445 and up to
 * 2^16384 (exclusive). Values are held as exact {@link BigDecimal}s that are always representable
 * in that format; every operation rounds to the nearest representable value, ties to even, as the
 * FPU does. Parsing follows glibc's {@code strtold} as Redis's {@code string2ld} calls it, and
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

    public static final LongDouble ZERO = new LongDouble(BigDecimal.ZERO, 0);
    public static final LongDouble POSITIVE_INFINITY = new LongDouble(null, 1);
    public static final LongDouble NEGATIVE_INFINITY = new LongDouble(null, -1);
    public static final LongDouble NAN = new LongDouble(null, 0);

    private final BigDecimal value; // exact; null for infinities and NaN
    private final int infinity;     // +1 / -1 for infinities, 0 otherwise

    private LongDouble(BigDecimal value, int infinity) {
        this.value = value;
        this.infinity = infinity;
    }

    /** Any long converts exactly (it has at most 64 significant bits). */
    public static LongDouble of(long v) {
        return v == 0 ? ZERO : new LongDouble(BigDecimal.valueOf(v), 0);
    }

    /** The nearest long double to an exact decimal. */
    public static LongDouble nearest(BigDecimal exact) {
        if (exact.signum() == 0) {
            return ZERO;
        }
        BigInteger unscaled = exact.unscaledValue();
        int scale = exact.scale();
        if (scale <= 0) {
            return nearest(unscaled.multiply(BigInteger.TEN.pow(-scale)), BigInteger.ONE);
        }
        return nearest(unscaled, BigInteger.TEN.pow(scale));
    }

    public boolean isFinite() {
        return value != null;
    }

    public boolean isNaN() {
        return value == null && infinity == 0;
    }

    public boolean isInfinite() {
        return infinity != 0;
    }

    /** The exact value (finite values only). */
    public BigDecimal exact() {
        return value;
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
        return nearest(value.add(o.value));
    }

    /**
     * Redis's "human friendly" long double text: "%.17Lf" with trailing zeros (and a bare '.')
     * removed, "-0" written as "0", infinities as "inf" and "-inf".
     */
    public String toHumanString() {
        if (value == null) {
            return infinity > 0 ? "inf" : infinity < 0 ? "-inf" : "nan";
        }
        // glibc prints the exact binary value rounded to 17 decimals, ties to even.
        String s = value.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        s = s.substring(0, end);
        return s.equals("-0") ? "0" : s;
    }

    public byte[] toHumanBytes() {
        return toHumanString().getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return value == null ? toHumanString() : value.toString();
    }

    // ---------------------------------------------------------------- rounding

    /** The nearest long double to num/den (both positive or num zero), with the given sign. */
    static LongDouble nearest(BigInteger num, BigInteger den) {
        int sign = num.signum();
        if (sign == 0) {
            return ZERO;
        }
        num = num.abs();
        // Choose a shift so that q = floor(num * 2^shift / den) has at least 66 bits.
        int shift = SIGNIFICAND_BITS + 2 - (num.bitLength() - den.bitLength());
        BigInteger[] qr = shift >= 0
                ? num.shiftLeft(shift).divideAndRemainder(den)
                : num.divideAndRemainder(den.shiftLeft(-shift));
        BigInteger q = qr[0];
        boolean sticky = qr[1].signum() != 0;
        // q * 2^-shift approximates the value; drop bits beyond 64 significant ones, and more
        // if the result is subnormal (its last bit may not weigh less than 2^MIN_EXPONENT).
        int drop = Math.max(q.bitLength() - SIGNIFICAND_BITS, MIN_EXPONENT + shift);
        BigInteger kept;
        if (drop <= 0) {
            kept = q.shiftLeft(-drop);
        } else {
            kept = q.shiftRight(drop);
            boolean half = q.testBit(drop - 1);
            boolean belowHalfNonZero = sticky || q.getLowestSetBit() < drop - 1;
            if (half && (belowHalfNonZero || kept.testBit(0))) {
                kept = kept.add(BigInteger.ONE);
            }
        }
        int exponent = drop - shift; // value = kept * 2^exponent
        if (kept.signum() == 0) {
            return ZERO;
        }
        int zeros = kept.getLowestSetBit(); // keep the decimal form short: 10.5, not 10.5000...
        kept = kept.shiftRight(zeros);
        exponent += zeros;
        if (kept.bitLength() + exponent > MAX_EXPONENT) {
            return sign > 0 ? POSITIVE_INFINITY : NEGATIVE_INFINITY;
        }
        BigDecimal exact;
        if (exponent >= 0) {
            exact = new BigDecimal(kept.shiftLeft(exponent));
        } else {
            // kept / 2^n == kept * 5^n / 10^n
            exact = new BigDecimal(kept.multiply(BigInteger.valueOf(5).pow(-exponent)), -exponent);
        }
        return new LongDouble(sign < 0 ? exact.negate() : exact, 0);
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
            return negative && v.value.signum() != 0 ? new LongDouble(v.value.negate(), 0) : v;
        }

        private boolean isHexDigitOrDot(int i) {
            // "0x" must be followed by a hex digit (possibly after the point) to be hex at all.
            if (hexDigit(b[i]) >= 0) {
                return true;
            }
            return b[i] == '.' && i + 1 < to && hexDigit(b[i + 1]) >= 0;
        }

        private LongDouble decimal() {
            StringBuilder digits = new StringBuilder();
            int fraction = 0;
            boolean any = false;
            while (pos < to && b[pos] >= '0' && b[pos] <= '9') {
                digits.append((char) b[pos++]);
                any = true;
            }
            if (pos < to && b[pos] == '.') {
                pos++;
                while (pos < to && b[pos] >= '0' && b[pos] <= '9') {
                    digits.append((char) b[pos++]);
                    fraction++;
                    any = true;
                }
            }
            if (!any) {
                return null;
            }
            long exp = exponent('e');
            BigInteger mantissa = new BigInteger(digits.toString());
            if (mantissa.signum() == 0) {
                return ZERO;
            }
            // Decimal exponent of the leading digit, to reject absurd magnitudes cheaply.
            int sig = mantissa.toString().length();
            long lead = exp - fraction + sig - 1;
            if (lead > 4940) {
                return POSITIVE_INFINITY;
            }
            if (lead < -4960) {
                return null; // underflows to zero: ERANGE
            }
            long scale = fraction - exp;
            LongDouble v = scale <= 0
                    ? nearest(mantissa.multiply(BigInteger.TEN.pow((int) -scale)), BigInteger.ONE)
                    : nearest(mantissa, BigInteger.TEN.pow((int) scale));
            return v == ZERO ? null : v;
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
            LongDouble v = e >= 0
                    ? nearest(mantissa.shiftLeft((int) e), BigInteger.ONE)
                    : nearest(mantissa, BigInteger.ONE.shiftLeft((int) -e));
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
