package io.cinnabar.types;

import java.nio.charset.StandardCharsets;

/**
 * C's strtod over bytes, in the two ways Redis applies it to scores. {@link #strict} is
 * getDoubleFromObject (ZADD scores, weights): the whole argument, no leading space, no overflow or
 * underflow to zero. {@link #lenient} is zslParseRange's bare strtod (range ends): leading space
 * allowed, parsing stops at a NUL byte, and the empty string is 0. Both refuse NaN; failure is
 * reported as NaN.
 *
 * <p>Plain decimals with up to 15 significant digits and a small exponent are converted with
 * one exact double operation (Clinger's fast path); the rest go through Double.parseDouble, which
 * rounds correctly as glibc does.
 */
public final class Strtod {
    private Strtod() {}

    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    public static double strict(byte[] b) {
        return strict(b, 0, b.length);
    }

    public static double strict(byte[] b, int off, int len) {
        if (len == 0 || isSpace(b[off])) {
            return Double.NaN;
        }
        return convert(b, off, len, true);
    }

    public static double lenient(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] == 0) {
                len = i - off;
                break;
            }
        }
        if (len == 0) {
            return 0;
        }
        return convert(b, off, len, false);
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static int lower(byte c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static boolean isHex(byte c) {
        int l = lower(c);
        return (c >= '0' && c <= '9') || (l >= 'a' && l <= 'f');
    }

    private static boolean wordAt(byte[] b, int i, int end, String word) {
        if (end - i < word.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (lower(b[i + k]) != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** Parses all of b[off, off+len) (the range must be a whole strtod number); NaN if it is not. */
    private static double convert(byte[] b, int off, int len, boolean strict) {
        int end = off + len;
        int i = off;
        if (!strict) {
            while (i < end && isSpace(b[i])) {
                i++;
            }
        }
        boolean negative = false;
        if (i < end && (b[i] == '+' || b[i] == '-')) {
            negative = b[i] == '-';
            i++;
        }
        if (i == end) {
            return Double.NaN;
        }
        if (lower(b[i]) == 'i') {
            if (wordAt(b, i, end, "infinity") && i + 8 == end || wordAt(b, i, end, "inf") && i + 3 == end) {
                return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            return Double.NaN;
        }
        if (b[i] == '0' && i + 2 < end && lower(b[i + 1]) == 'x' && (isHex(b[i + 2]) || (b[i + 2] == '.' && i + 3 < end && isHex(b[i + 3])))) {
            return hex(b, i + 2, end, negative, strict);
        }
        // Decimal: digits [. digits] [e [sign] digits], at least one mantissa digit.
        long mantissa = 0;
        int significant = 0;
        boolean nonZero = false;
        int dropped = 0;      // significant digits beyond what the long holds
        int fraction = 0;     // digits after the point taken into the mantissa
        int digits = 0;
        for (; i < end && b[i] >= '0' && b[i] <= '9'; i++, digits++) {
            int d = b[i] - '0';
            nonZero |= d != 0;
            if (significant < 18) {
                if (mantissa != 0 || d != 0) {
                    significant++;
                }
                mantissa = mantissa * 10 + d;
            } else {
                dropped++;
            }
        }
        if (i < end && b[i] == '.') {
            i++;
            for (; i < end && b[i] >= '0' && b[i] <= '9'; i++, digits++) {
                int d = b[i] - '0';
                nonZero |= d != 0;
                if (significant < 18) {
                    if (mantissa != 0 || d != 0) {
                        significant++;
                    }
                    mantissa = mantissa * 10 + d;
                    fraction++;
                }
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        long exponent = 0;
        if (i < end && lower(b[i]) == 'e') {
            int j = i + 1;
            boolean expNegative = false;
            if (j < end && (b[j] == '+' || b[j] == '-')) {
                expNegative = b[j] == '-';
                j++;
            }
            if (j == end || b[j] < '0' || b[j] > '9') {
                return Double.NaN; // strtod would stop before the 'e', leaving it unparsed
            }
            for (; j < end && b[j] >= '0' && b[j] <= '9'; j++) {
                if (exponent < 100000) {
                    exponent = exponent * 10 + (b[j] - '0');
                }
            }
            if (expNegative) {
                exponent = -exponent;
            }
            i = j;
        }
        if (i != end) {
            return Double.NaN;
        }
        double v;
        long scale = exponent - fraction + dropped;
        if (significant <= 15 && dropped == 0 && scale >= -22 && scale <= 22) {
            v = scale >= 0 ? mantissa * POW10[(int) scale] : mantissa / POW10[(int) -scale];
        } else {
            v = Double.parseDouble(new String(b, off, len, StandardCharsets.US_ASCII).trim());
            v = Math.abs(v);
        }
        if (strict && (Double.isInfinite(v) || (v == 0 && nonZero))) {
            return Double.NaN; // ERANGE: overflow or underflow to zero
        }
        return negative ? -v : v;
    }

    /** The hex float after "0x": hexdigits [. hexdigits] [p [sign] digits]. */
    private static double hex(byte[] b, int i, int end, boolean negative, boolean strict) {
        int start = i;
        boolean nonZero = false;
        while (i < end && isHex(b[i])) {
            nonZero |= b[i] != '0';
            i++;
        }
        if (i < end && b[i] == '.') {
            i++;
            while (i < end && isHex(b[i])) {
                nonZero |= b[i] != '0';
                i++;
            }
        }
        String mantissa = new String(b, start, i - start, StandardCharsets.US_ASCII);
        String exponent = "0";
        if (i < end && lower(b[i]) == 'p') {
            int j = i + 1;
            if (j < end && (b[j] == '+' || b[j] == '-')) {
                j++;
            }
            if (j == end || b[j] < '0' || b[j] > '9') {
                return Double.NaN;
            }
            while (j < end && b[j] >= '0' && b[j] <= '9') {
                j++;
            }
            exponent = new String(b, i + 1, j - i - 1, StandardCharsets.US_ASCII);
            i = j;
        }
        if (i != end) {
            return Double.NaN;
        }
        double v;
        try {
            v = Double.parseDouble("0x" + mantissa + "p" + exponent);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
        if (strict && (Double.isInfinite(v) || (v == 0 && nonZero))) {
            return Double.NaN;
        }
        return negative ? -v : v;
    }
}
