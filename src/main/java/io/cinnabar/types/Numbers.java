package io.cinnabar.types;

import java.nio.charset.StandardCharsets;

/** Number parsing with Redis's strictness (string2ll), over bytes without making Strings. */
public final class Numbers {
    /** Returned by the parsers for malformed input (and, ambiguously, for Long.MIN_VALUE itself). */
    public static final long NOT_A_LONG = Long.MIN_VALUE;
    static final byte[] MIN_LONG_BYTES = "-9223372036854775808".getBytes(StandardCharsets.US_ASCII);

    private Numbers() {}

    /**
     * Parses a decimal long as Redis's string2ll does: optional '-', no '+', no leading zeros,
     * no spaces, within range. Returns {@link #NOT_A_LONG} when malformed.
     */
    public static long parseLongStrict(byte[] b, int from, int to) {
        int len = to - from;
        if (len <= 0 || len > 20) {
            return NOT_A_LONG;
        }
        if (len == 1 && b[from] == '0') {
            return 0;
        }
        int i = from;
        boolean negative = false;
        if (b[i] == '-') {
            negative = true;
            i++;
            if (i == to) {
                return NOT_A_LONG;
            }
        }
        if (b[i] < '1' || b[i] > '9') {
            return NOT_A_LONG;
        }
        long v = 0; // accumulate negatively so Long.MIN_VALUE fits
        for (; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return NOT_A_LONG;
            }
            if (v < (Long.MIN_VALUE + d) / 10) {
                return NOT_A_LONG;
            }
            v = v * 10 - d;
        }
        if (negative) {
            return v;
        }
        if (v == Long.MIN_VALUE) {
            return NOT_A_LONG;
        }
        return -v;
    }

    public static long parseLongStrict(byte[] b) {
        return parseLongStrict(b, 0, b.length);
    }

    /** True when the bytes are exactly "-9223372036854775808". */
    public static boolean isMinLong(byte[] b) {
        return java.util.Arrays.equals(b, MIN_LONG_BYTES);
    }

    public static int digits(long v) {
        if (v == Long.MIN_VALUE) {
            return 20;
        }
        int n = v < 0 ? 2 : 1;
        long x = Math.abs(v);
        while (x >= 10) {
            x /= 10;
            n++;
        }
        return n;
    }
}
