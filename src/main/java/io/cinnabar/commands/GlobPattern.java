package io.cinnabar.commands;

/**
 * Redis's glob-style matching (stringmatchlen): {@code * ? [abc] [^a-z] \x}, optionally ignoring
 * ASCII case. Iterative with backtracking on the last star, so it cannot blow the stack.
 */
final class GlobPattern {
    private GlobPattern() {}

    static boolean hasWildcards(String p) {
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '*' || c == '?' || c == '[') {
                return true;
            }
        }
        return false;
    }

    static boolean matches(byte[] pattern, byte[] s, boolean nocase) {
        int p = 0;
        int i = 0;
        int starP = -1;
        int starI = -1;
        while (i < s.length) {
            if (p < pattern.length && pattern[p] == '*') {
                while (p < pattern.length && pattern[p] == '*') {
                    p++;
                }
                if (p == pattern.length) {
                    return true;
                }
                starP = p;
                starI = i;
                continue;
            }
            if (p < pattern.length) {
                int consumed = matchOne(pattern, p, s[i], nocase);
                if (consumed > 0) {
                    p += consumed;
                    i++;
                    continue;
                }
            }
            if (starP < 0) {
                return false;
            }
            p = starP;
            i = ++starI;
        }
        while (p < pattern.length && pattern[p] == '*') {
            p++;
        }
        return p == pattern.length;
    }

    /** Pattern length consumed if the element at p matches c, else 0. */
    private static int matchOne(byte[] pat, int p, byte c, boolean nocase) {
        byte pc = pat[p];
        if (pc == '?') {
            return 1;
        }
        if (pc == '\\' && p + 1 < pat.length) {
            return eq(pat[p + 1], c, nocase) ? 2 : 0;
        }
        if (pc == '[') {
            int k = p + 1;
            boolean not = k < pat.length && pat[k] == '^';
            if (not) {
                k++;
            }
            boolean match = false;
            while (k < pat.length && pat[k] != ']') {
                if (pat[k] == '\\' && k + 1 < pat.length) {
                    k++;
                    match |= eq(pat[k], c, nocase);
                    k++;
                } else if (k + 2 < pat.length && pat[k + 1] == '-' && pat[k + 2] != ']') {
                    int lo = pat[k] & 0xff;
                    int hi = pat[k + 2] & 0xff;
                    if (lo > hi) {
                        int t = lo;
                        lo = hi;
                        hi = t;
                    }
                    int x = c & 0xff;
                    if (nocase) {
                        lo = lower(lo);
                        hi = lower(hi);
                        x = lower(x);
                    }
                    match |= x >= lo && x <= hi;
                    k += 3;
                } else {
                    match |= eq(pat[k], c, nocase);
                    k++;
                }
            }
            if (not) {
                match = !match;
            }
            int end = k < pat.length ? k + 1 : k; // an unclosed class ends the pattern
            return match ? end - p : 0;
        }
        return eq(pc, c, nocase) ? 1 : 0;
    }

    private static boolean eq(byte a, byte b, boolean nocase) {
        return a == b || (nocase && lower(a & 0xff) == lower(b & 0xff));
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
