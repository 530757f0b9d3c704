package io.cinnabar.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GlobTest {
    private static boolean m(String pattern, String s) {
        return Glob.match(b(pattern), b(s));
    }

    private static boolean mi(String pattern, String s) {
        return Glob.matchNoCase(b(pattern), b(s));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void literalsAndWildcards() {
        assertTrue(m("hello", "hello"));
        assertFalse(m("hello", "hell"));
        assertFalse(m("hell", "hello"));
        assertTrue(m("h?llo", "hallo"));
        assertFalse(m("h?llo", "hllo"));
        assertTrue(m("h*llo", "hllo"));
        assertTrue(m("h*llo", "heeeello"));
        assertTrue(m("*", "anything"));
        assertTrue(m("a*", "a"));
        assertTrue(m("a**", "a"));
        assertTrue(m("*a*b*c*", "xxaxxbxxcxx"));
        assertFalse(m("*a*b*c*", "xxaxxcxxbxx"));
        assertTrue(m("*llo", "hello"));
        assertFalse(m("*llo", "hellox"));
        assertTrue(m("a*b", "aXbXb"));
        assertFalse(m("a?", "a"));
        assertTrue(m("??", "ab"));
    }

    @Test
    void emptyStringMatchesOnlyTheEmptyPattern() {
        assertTrue(m("", ""));
        assertFalse(m("*", ""));
        assertFalse(m("**", ""));
        assertFalse(m("", "a"));
    }

    @Test
    void classes() {
        assertTrue(m("h[ae]llo", "hallo"));
        assertFalse(m("h[ae]llo", "hillo"));
        assertTrue(m("h[^e]llo", "hallo"));
        assertFalse(m("h[^e]llo", "hello"));
        assertTrue(m("h[a-c]llo", "hbllo"));
        assertFalse(m("h[a-c]llo", "hdllo"));
        assertTrue(m("[z-a]", "m"), "a reversed range means the same range");
        assertFalse(m("[z-a]", "A"));
        assertFalse(m("[]", "]"), "an empty class matches nothing");
        assertTrue(m("[^]", "x"), "an empty negated class matches anything");
        assertFalse(m("a[]]b", "a]b"), "']' right after '[' closes the (empty) class");
        assertTrue(m("[-]", "-"));
        // "--]" is the range '-'..']', so the class runs on, unterminated, and takes 'y' too
        assertFalse(m("x[--]y", "x-y"));
        assertTrue(m("x[--]y", "x-"));
        assertTrue(m("x[--]y", "xy"));
    }

    @Test
    void rangeEndingInTheClosingBracket() {
        // "[a-]" is the range ']'..'a' (swapped), and the class is then unterminated
        assertTrue(m("[a-]", "a"));
        assertTrue(m("[a-]", "^"));
        assertTrue(m("[a-]", "]"));
        assertFalse(m("[a-]", "-"));
        assertFalse(m("[a-]", "b"));
        assertTrue(m("[a-]b]", "b"));
    }

    @Test
    void unterminatedClasses() {
        assertTrue(m("[abc", "a"));
        assertTrue(m("[abc", "c"));
        assertFalse(m("[abc", "d"));
        assertFalse(m("[", "["));
        assertFalse(m("[", "a"));
        assertTrue(m("[^", "x"), "'[^' matches any one byte");
        assertFalse(m("[^", "xy"));
        assertTrue(m("[a-", "a"));
        assertTrue(m("[a-", "-"));
        assertFalse(m("[a-", "b"));
        assertTrue(m("[-", "-"));
    }

    @Test
    void escapes() {
        assertTrue(m("h\\*llo", "h*llo"));
        assertFalse(m("h\\*llo", "hello"));
        assertTrue(m("h\\?llo", "h?llo"));
        assertFalse(m("h\\?llo", "hallo"));
        assertTrue(m("h\\[llo", "h[llo"));
        assertTrue(m("\\", "\\"), "a lone trailing backslash is literal");
        assertTrue(m("a\\", "a\\"));
        assertTrue(m("\\\\", "\\"));
        assertTrue(m("\\a", "a"));
        assertTrue(m("[\\]]", "]"));
        assertTrue(m("[\\]", "]"), "escaped ']' then unterminated");
        assertTrue(m("[\\", "\\"));
        assertTrue(m("[\\\\]", "\\"));
        assertTrue(m("[\\-]", "-"));
        assertFalse(m("[\\-]", "\\"));
        assertTrue(m("[a\\-z]", "-"));
        assertFalse(m("[a\\-z]", "m"));
    }

    @Test
    void noCase() {
        assertTrue(mi("HeLLo", "hello"));
        assertTrue(mi("h[A-C]llo", "hbllo"));
        assertTrue(mi("h[a-c]llo", "HBLLO"));
        assertTrue(mi("[X]", "x"));
        assertFalse(mi("[\\X]", "x"), "an escaped byte in a class compares exactly");
        assertTrue(mi("\\X", "x"));
        assertFalse(m("HeLLo", "hello"));
        assertFalse(mi("\u00c9", "\u00e9"), "only ASCII letters fold");
    }

    @Test
    void highBytesCompareSigned() {
        // C chars are signed on x86: 0xff is -1, so [a-\xff] is the range -1..'a'
        assertTrue(m("[a-\u00ff]", "A"));
        assertTrue(m("[a-\u00ff]", "\u00ff"));
        assertFalse(m("[a-\u00ff]", "b"));
        assertFalse(m("[a-\u00ff]", "\u0080"));
        assertTrue(m("\u00e9*", "\u00e9t\u00e9"));
    }

    @Test
    void rangeOfSubarrays() {
        byte[] p = b("xxh*oyy");
        byte[] s = b("--hello--");
        assertTrue(Glob.match(p, 2, 5, s, 2, 7, false));
        assertFalse(Glob.match(p, 2, 5, s, 2, 8, false));
    }

    @Test
    void matchesAll() {
        assertTrue(Glob.matchesAll(b("*")));
        assertFalse(Glob.matchesAll(b("**")));
        assertFalse(Glob.matchesAll(b("a")));
    }

    @Test
    void manyStarsStayFast() {
        String p = "a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b";
        String s = "a".repeat(5000);
        long start = System.nanoTime();
        assertFalse(m(p, s));
        assertTrue(System.nanoTime() - start < 2_000_000_000L);
    }

    /** Redis's recursive formulation, written plainly, as the reference for random inputs. */
    private static boolean reference(byte[] p, int pi, byte[] s, int si) {
        if (si == s.length) {
            while (pi < p.length && p[pi] == '*') {
                pi++;
            }
            return pi == p.length;
        }
        if (pi == p.length) {
            return false;
        }
        if (p[pi] == '*') {
            for (int k = si; k <= s.length; k++) {
                if (reference(p, pi + 1, s, k)) {
                    return true;
                }
            }
            return false;
        }
        byte c = s[si];
        int next;
        if (p[pi] == '?') {
            next = pi + 1;
        } else if (p[pi] == '[') {
            int i = pi + 1;
            boolean neg = i < p.length && p[i] == '^';
            if (neg) {
                i++;
            }
            boolean hit = false;
            while (true) {
                if (i == p.length) {
                    break;
                }
                if (p[i] == '\\' && p.length - i >= 2) {
                    hit |= p[i + 1] == c;
                    i += 2;
                } else if (p[i] == ']') {
                    i++;
                    break;
                } else if (p.length - i >= 3 && p[i + 1] == '-') {
                    int lo = Math.min(p[i], p[i + 2]);
                    int hi = Math.max(p[i], p[i + 2]);
                    hit |= c >= lo && c <= hi;
                    i += 3;
                } else {
                    hit |= p[i] == c;
                    i++;
                }
            }
            if (hit == neg) {
                return false;
            }
            next = i;
        } else {
            int i = pi;
            if (p[i] == '\\' && p.length - i >= 2) {
                i++;
            }
            if (p[i] != c) {
                return false;
            }
            next = i + 1;
        }
        return reference(p, next, s, si + 1);
    }

    @Test
    void agreesWithTheRecursiveDefinitionOnRandomInputs() {
        Random rnd = new Random(42);
        byte[] alphabet = b("ab*?[]^-\\");
        for (int n = 0; n < 200_000; n++) {
            byte[] p = new byte[rnd.nextInt(8)];
            for (int i = 0; i < p.length; i++) {
                p[i] = alphabet[rnd.nextInt(alphabet.length)];
            }
            byte[] s = new byte[1 + rnd.nextInt(6)];
            for (int i = 0; i < s.length; i++) {
                s[i] = alphabet[rnd.nextInt(alphabet.length)];
            }
            boolean expected = reference(p, 0, s, 0);
            final int iteration = n;
            assertEquals(expected, Glob.match(p, s),
                    () -> "#" + iteration + " pattern " + new String(p, StandardCharsets.ISO_8859_1) + " string "
                            + new String(s, StandardCharsets.ISO_8859_1));
        }
    }
}
