package io.cinnabar.util;

/**
 * Glob-style matching with the semantics of Redis's {@code stringmatchlen}, used by KEYS, SCAN
 * MATCH, PSUBSCRIBE, CONFIG GET and ACL key patterns. Works on bytes and allocates nothing.
 *
 * <ul>
 *   <li>{@code *} any run of bytes, {@code ?} exactly one byte;</li>
 *   <li>{@code [abc]}, {@code [^abc]}, {@code [a-z]} (a reversed range {@code [z-a]} means the
 *       same as {@code [a-z]}), {@code \x} inside a class is a literal byte;</li>
 *   <li>{@code \x} outside a class matches x literally; a trailing lone backslash matches a
 *       backslash.</li>
 * </ul>
 *
 * Quirks kept on purpose because clients can observe them: a class left unterminated ends at the
 * end of the pattern ({@code "[abc"} matches "a"); {@code "[^"} matches any byte; a range's end
 * may be the closing bracket ({@code "[a-]"} is the range {@code ]..a}); bytes compare as signed
 * values in ranges, as C chars do on x86; the empty string is matched only by the empty pattern;
 * with {@code nocase} only ASCII letters fold, and an escaped byte inside a class still compares
 * exactly.
 */
public final class Glob {
    private Glob() {}

    public static boolean match(byte[] pattern, byte[] string) {
        return match(pattern, 0, pattern.length, string, 0, string.length, false);
    }

    /** True if the pattern has a wildcard at all (otherwise it can be looked up by name). */
    public static boolean hasWildcards(String pattern) {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0 || pattern.indexOf('[') >= 0;
    }

    public static boolean matchNoCase(byte[] pattern, byte[] string) {
        return match(pattern, 0, pattern.length, string, 0, string.length, true);
    }

    /** True when the pattern is exactly "*", which matches everything (callers skip matching). */
    public static boolean matchesAll(byte[] pattern) {
        return pattern.length == 1 && pattern[0] == '*';
    }

    /**
     * Matches {@code string[sFrom, sTo)} against {@code pattern[pFrom, pTo)}. Every token but
     * {@code *} consumes exactly one byte, so remembering only the most recent star and retrying
     * from one byte further is enough: no recursion, linear space, no allocation.
     */
    public static boolean match(byte[] pattern, int pFrom, int pTo, byte[] string, int sFrom, int sTo, boolean nocase) {
        if (sFrom == sTo) {
            return pFrom == pTo;
        }
        int p = pFrom;
        int s = sFrom;
        int starP = -1; // pattern index just after the last star seen
        int starS = -1; // string index that star's current expansion ends at
        while (s < sTo) {
            if (p < pTo && pattern[p] == '*') {
                while (p < pTo && pattern[p] == '*') {
                    p++;
                }
                if (p == pTo) {
                    return true;
                }
                starP = p;
                starS = s;
                continue;
            }
            if (p < pTo) {
                int end = tokenMatch(pattern, p, pTo, string[s], nocase);
                if (end >= 0) {
                    p = end;
                    s++;
                    continue;
                }
            }
            if (starP < 0) {
                return false;
            }
            p = starP;
            s = ++starS;
        }
        while (p < pTo && pattern[p] == '*') {
            p++;
        }
        return p == pTo;
    }

    /**
     * Tries the single-byte token at {@code pattern[p]} against {@code c}: returns the index just
     * past the token if it matches, -1 if not.
     */
    private static int tokenMatch(byte[] pattern, int p, int pTo, byte c, boolean nocase) {
        byte t = pattern[p];
        if (t == '?') {
            return p + 1;
        }
        if (t == '[') {
            return classMatch(pattern, p + 1, pTo, c, nocase);
        }
        if (t == '\\' && pTo - p >= 2) {
            p++;
            t = pattern[p];
        }
        return same(t, c, nocase) ? p + 1 : -1;
    }

    private static int classMatch(byte[] pattern, int p, int pTo, byte c, boolean nocase) {
        boolean negate = p < pTo && pattern[p] == '^';
        if (negate) {
            p++;
        }
        boolean matched = false;
        int end;
        while (true) {
            int left = pTo - p;
            if (left == 0) {
                end = pTo; // unterminated: the class runs to the end of the pattern
                break;
            }
            byte t = pattern[p];
            if (t == '\\' && left >= 2) {
                if (pattern[p + 1] == c) {
                    matched = true;
                }
                p += 2;
            } else if (t == ']') {
                end = p + 1;
                break;
            } else if (left >= 3 && pattern[p + 1] == '-') {
                int lo = t;
                int hi = pattern[p + 2];
                if (lo > hi) {
                    int x = lo;
                    lo = hi;
                    hi = x;
                }
                int v = c;
                if (nocase) {
                    lo = lower(lo);
                    hi = lower(hi);
                    v = lower(v);
                }
                if (v >= lo && v <= hi) {
                    matched = true;
                }
                p += 3;
            } else {
                if (same(t, c, nocase)) {
                    matched = true;
                }
                p++;
            }
        }
        return matched != negate ? end : -1;
    }

    private static boolean same(byte a, byte b, boolean nocase) {
        return a == b || (nocase && lower(a) == lower(b));
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
