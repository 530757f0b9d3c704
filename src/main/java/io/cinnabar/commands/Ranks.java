package io.cinnabar.commands;

/**
 * Index ranges as Redis's rank commands read them (LRANGE, LTRIM, ZRANGE by rank,
 * ZREMRANGEBYRANK): inclusive [start, end], negative indexes counted from the tail.
 */
final class Ranks {
    private Ranks() {}

    /**
     * The first index of the range [start, end] (negative indexes from the tail) on a sequence of
     * {@code length}, or -1 when the range is empty (start past end or past the list).
     */
    static long start(long start, long end, long length) {
        if (start < 0) {
            start += length;
        }
        if (end < 0) {
            end += length;
        }
        if (start < 0) {
            start = 0;
        }
        return start > end || start >= length ? -1 : start;
    }

    /** The last index of a non-empty range [start, end] on a sequence of {@code length}. */
    static long end(long end, long length) {
        if (end < 0) {
            end += length;
        }
        return Math.min(end, length - 1);
    }
}
