package io.cinnabar.util;

/**
 * Redis's reverse-binary SCAN cursor (dictScan): the cursor counts up in its high bits first, so
 * bucket {@code c} of a table of size {@code 2^n} is visited before or together with every
 * bucket it splits into after a grow, or merges into after a shrink. That is what lets a full
 * iteration return every element present throughout, even if the table resizes between calls.
 */
public final class ScanCursor {
    private ScanCursor() {}

    /** The cursor after bucket {@code cursor & mask} of a table with {@code mask = size - 1}. */
    public static long next(long cursor, long mask) {
        long v = cursor | ~mask;
        v = Long.reverse(v);
        v++;
        return Long.reverse(v);
    }
}
