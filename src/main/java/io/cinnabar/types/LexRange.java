package io.cinnabar.types;

import java.util.Arrays;

/**
 * A member interval as ZRANGEBYLEX takes it. The ends "-" and "+" are the sentinels
 * {@link #MIN} and {@link #MAX}, told apart from real strings by identity (as Redis compares
 * its shared minstring/maxstring pointers), so either may stand at either end.
 */
public final class LexRange implements ZSkipList.Bounds {
    public static final byte[] MIN = new byte[0];
    public static final byte[] MAX = new byte[0];

    public final byte[] min;
    public final byte[] max;
    public final boolean minExclusive;
    public final boolean maxExclusive;

    public LexRange(byte[] min, boolean minExclusive, byte[] max, boolean maxExclusive) {
        this.min = min;
        this.max = max;
        this.minExclusive = minExclusive;
        this.maxExclusive = maxExclusive;
    }

    /** Redis's sdscmplex: the sentinels sort below and above every string. */
    public static int compare(byte[] a, byte[] b) {
        if (a == b) {
            return 0;
        }
        if (a == MIN || b == MAX) {
            return -1;
        }
        if (a == MAX || b == MIN) {
            return 1;
        }
        return Arrays.compareUnsigned(a, b);
    }

    /** Order of member bytes {@code a[off, off+len)} against an end of the range. */
    public static int compare(byte[] a, int off, int len, byte[] end) {
        if (end == MIN) {
            return 1;
        }
        if (end == MAX) {
            return -1;
        }
        return Arrays.compareUnsigned(a, off, off + len, end, 0, end.length);
    }

    public boolean aboveMin(byte[] member) {
        int c = compare(member, min);
        return minExclusive ? c > 0 : c >= 0;
    }

    public boolean belowMax(byte[] member) {
        int c = compare(member, max);
        return maxExclusive ? c < 0 : c <= 0;
    }

    @Override
    public boolean aboveMin(ZSkipList.Node n) {
        return aboveMin(n.member);
    }

    @Override
    public boolean belowMax(ZSkipList.Node n) {
        return belowMax(n.member);
    }

    public boolean aboveMin(byte[] a, int off, int len) {
        int c = compare(a, off, len, min);
        return minExclusive ? c > 0 : c >= 0;
    }

    public boolean belowMax(byte[] a, int off, int len) {
        int c = compare(a, off, len, max);
        return maxExclusive ? c < 0 : c <= 0;
    }

    @Override
    public boolean isEmpty() {
        int c = compare(min, max);
        return c > 0 || (c == 0 && (minExclusive || maxExclusive));
    }
}
