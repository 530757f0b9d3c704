package io.cinnabar.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Both encodings of a sorted set: the listpack's stored form, conversions, and identical reads. */
@Timeout(60)
class ZSetValueTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static final ZSetValue.AddResult RESULT = new ZSetValue.AddResult();

    private static void add(ZSetValue z, double score, String member) {
        z.add(score, b(member), 0, RESULT, 128, 64);
    }

    @Test
    void listpackStoresScoresAsRedisZzlInsertAtDoes() {
        ZSetValue z = ZSetValue.newListpack();
        add(z, 0.1, "a");
        add(z, 3, "b");
        add(z, -0.0, "c");
        add(z, 4611686018427387904.0, "d");
        add(z, 9.3e18, "e");
        add(z, Double.POSITIVE_INFINITY, "f");
        add(z, 7, "12");
        Listpack lp = z.listpack();
        List<String> entries = new ArrayList<>();
        for (int p = lp.first(); p >= 0; p = lp.next(p)) {
            entries.add((lp.isInt(p) ? "i:" : "s:") + s(lp.get(p)));
        }
        // Members and scores alternate, in score order; integral scores within +-2^62 are
        // integers (-0 included), others Redis's %.17g text; an integer-looking member is an integer.
        assertEquals(List.of("s:c", "i:0", "s:a", "s:0.10000000000000001", "s:b", "i:3", "i:12", "i:7",
                "s:d", "i:4611686018427387904", "s:e", "s:9.3e+18", "s:f", "s:inf"), entries);
        assertEquals(0.0, z.score(b("c")));
        assertEquals(Double.POSITIVE_INFINITY, z.score(b("f")));
        assertEquals(2, z.rank(b("b"), false));
        assertEquals(4, z.rank(b("b"), true));
        assertEquals(-1, z.rank(b("x"), false));
    }

    @Test
    void convertsToSkiplistPastEitherLimitAndBack() {
        ZSetValue z = ZSetValue.newListpack();
        for (int i = 0; i < 4; i++) {
            z.add(i, b("m" + i), 0, RESULT, 4, 8);
        }
        assertEquals("listpack", z.encoding());
        z.add(9, b("m9"), 0, RESULT, 4, 8);
        assertEquals("skiplist", z.encoding());
        ZSetValue y = ZSetValue.newListpack();
        y.add(1, b("123456789"), 0, RESULT, 4, 8);
        assertEquals("skiplist", y.encoding());
        z.convertToListpackIfFits(5, 8);
        assertEquals("listpack", z.encoding());
        assertEquals(List.of("m0", "m1", "m2", "m3", "m9"), members(z, false));
        z.convertToSkiplist();
        assertEquals(List.of("m9", "m3", "m2", "m1", "m0"), members(z, true));
        ZSetValue copy = z.copy();
        z.remove(b("m9"));
        assertEquals(5, copy.size());
        assertEquals(4, z.size());
        assertEquals("skiplist", copy.encoding());
    }

    private static List<String> members(ZSetValue z, boolean reverse) {
        List<String> out = new ArrayList<>();
        ZSetValue.Cursor c = new ZSetValue.Cursor();
        for (z.seekRank(c, 0, reverse); c.valid(); c.move(reverse)) {
            out.add(new String(c.array(), c.offset(), c.length(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static List<String> range(ZSetValue z, ZSkipList.Bounds range, boolean reverse) {
        List<String> out = new ArrayList<>();
        ZSetValue.Cursor c = new ZSetValue.Cursor();
        if (z.seekFirst(c, range, reverse)) {
            for (; c.valid() && z.inRange(c, range, reverse); c.move(reverse)) {
                out.add(s(c.member()) + "=" + c.score());
            }
        }
        return out;
    }

    @Test
    void bothEncodingsReadAndRemoveAlike() {
        Random r = new Random(3);
        for (int round = 0; round < 30; round++) {
            ZSetValue lp = ZSetValue.newListpack();
            ZSetValue sl = ZSetValue.newSkiplist(0);
            // Lex ranges are meant for equal scores (elsewhere each encoding answers as Redis's does).
            ZSetValue lexLp = ZSetValue.newListpack();
            ZSetValue lexSl = ZSetValue.newSkiplist(0);
            for (int i = 0; i < 60; i++) {
                double score = r.nextInt(10) - 5 + (r.nextBoolean() ? 0.5 : 0);
                String member = r.nextInt(3) == 0 ? Integer.toString(r.nextInt(50)) : "k" + (char) ('a' + r.nextInt(26));
                lp.add(score, b(member), 0, RESULT, 1000, 64);
                sl.add(score, b(member), 0, RESULT, 1000, 64);
                lexLp.add(0, b(member), 0, RESULT, 1000, 64);
                lexSl.add(0, b(member), 0, RESULT, 1000, 64);
            }
            assertEquals("listpack", lp.encoding());
            assertEquals(members(lp, false), members(sl, false));
            assertEquals(members(lp, true), members(sl, true));
            for (int q = 0; q < 20; q++) {
                double lo = r.nextInt(12) - 6;
                ScoreRange scores = new ScoreRange(lo, r.nextBoolean(), lo + r.nextInt(5), r.nextBoolean());
                LexRange lex = new LexRange(r.nextBoolean() ? LexRange.MIN : b("k" + (char) ('a' + r.nextInt(26))), r.nextBoolean(),
                        r.nextBoolean() ? LexRange.MAX : b("k" + (char) ('a' + r.nextInt(26))), r.nextBoolean());
                for (boolean reverse : new boolean[] {false, true}) {
                    assertEquals(range(sl, scores, reverse), range(lp, scores, reverse));
                    assertEquals(range(lexSl, lex, reverse), range(lexLp, lex, reverse));
                }
                assertEquals(sl.count(scores), lp.count(scores));
                assertEquals(lexSl.count(lex), lexLp.count(lex));
            }
            ScoreRange cut = new ScoreRange(-1, false, 2, true);
            assertEquals(sl.removeRange(cut), lp.removeRange(cut));
            assertEquals(members(sl, false), members(lp, false));
            if (sl.size() > 3) {
                assertEquals(sl.removeRangeByRank(1, 2), lp.removeRangeByRank(1, 2));
            }
            assertEquals(members(sl, false), members(lp, false));
            for (String m : members(sl, false)) {
                assertEquals(sl.score(b(m)), lp.score(b(m)));
                assertEquals(sl.rank(b(m), true), lp.rank(b(m), true));
            }
        }
    }

    @Test
    void addFlagsFollowZsetAdd() {
        ZSetValue z = ZSetValue.newListpack();
        assertEquals(ZSetValue.OUT_ADDED, z.add(5, b("a"), 0, RESULT, 128, 64));
        assertEquals(ZSetValue.OUT_NOP, z.add(6, b("a"), ZSetValue.IN_NX, RESULT, 128, 64));
        assertEquals(ZSetValue.OUT_NOP, z.add(4, b("a"), ZSetValue.IN_GT, RESULT, 128, 64));
        assertEquals(ZSetValue.OUT_UPDATED, z.add(6, b("a"), ZSetValue.IN_GT, RESULT, 128, 64));
        assertEquals(0, z.add(6, b("a"), 0, RESULT, 128, 64));
        assertEquals(ZSetValue.OUT_UPDATED, z.add(1.5, b("a"), ZSetValue.IN_INCR, RESULT, 128, 64));
        assertEquals(7.5, RESULT.score);
        z.add(Double.POSITIVE_INFINITY, b("i"), 0, RESULT, 128, 64);
        assertEquals(ZSetValue.OUT_NAN, z.add(Double.NEGATIVE_INFINITY, b("i"), ZSetValue.IN_INCR, RESULT, 128, 64));
        assertFalse(z.wouldChange(7.5, b("a"), 0));
        assertTrue(z.wouldChange(1, b("new"), 0));
        assertFalse(z.wouldChange(1, b("new"), ZSetValue.IN_XX));
        assertArrayEquals(b("0.5"), scoreBytesOf(z, "x", 0.5));
    }

    private static byte[] scoreBytesOf(ZSetValue z, String member, double score) {
        add(z, score, member);
        ZSetValue.Cursor c = new ZSetValue.Cursor();
        z.seekRank(c, z.rank(b(member), false), false);
        return z.storedScore(c);
    }

    @Test
    void aDryRunsRememberedLookupNeverOutlivesAChangeToTheSet() {
        ZSetValue z = ZSetValue.newSkiplist(4);
        byte[] m = b("m");
        assertTrue(z.wouldChange(1, m, 0));
        z.add(5, b("m"), 0, RESULT, 0, 64); // same bytes, another array: inserted behind the probe
        assertEquals(ZSetValue.OUT_UPDATED, z.add(1, m, 0, RESULT, 0, 64));
        assertEquals(1, z.size());

        assertTrue(z.wouldChange(2, m, 0));
        assertTrue(z.remove(b("m")));
        assertEquals(ZSetValue.OUT_ADDED, z.add(2, m, 0, RESULT, 0, 64));
        assertEquals(2.0, z.score(b("m")));

        add(z, 7, "n");
        byte[] n = b("n");
        assertTrue(z.wouldChange(8, n, 0));
        z.add(9, b("n"), 0, RESULT, 0, 64); // moves n's node: the node the probe found stays valid
        assertEquals(ZSetValue.OUT_UPDATED, z.add(8, n, 0, RESULT, 0, 64));
        assertEquals(8.0, z.score(b("n")));
        assertEquals(2, z.size());
        assertEquals(1, z.rank(b("n"), false));
    }

    @Test
    void aNewSortedSetReservedForItsMembersHasNoSpareRoom() {
        double[] scores = {1, -7.5, 3e20, 42, 0.1, 1e-300, 4611686018427387904.0, -3};
        byte[][] args = new byte[2 * scores.length][];
        for (int j = 0; j < scores.length; j++) {
            args[2 * j] = b("score text is not read");
            args[2 * j + 1] = b("member:" + j);
        }
        ZSetValue reserved = ZSetValue.newListpack();
        reserved.reserveForNewMembers(scores, scores.length, args, 1);
        ZSetValue grown = ZSetValue.newListpack();
        for (int j = 0; j < scores.length; j++) {
            reserved.add(scores[j], args[2 * j + 1], 0, RESULT, 128, 64);
            grown.add(scores[j], args[2 * j + 1], 0, RESULT, 128, 64);
        }
        assertArrayEquals(grown.listpack().toBytes(), reserved.listpack().toBytes());
        int bytes = reserved.listpack().bytes();
        assertEquals((bytes + 7) / 8 * 8, reserved.listpack().capacity(), "exactly the entries added, aligned");
        assertTrue(reserved.memoryUsage() <= grown.memoryUsage());
    }

    @Test
    void memoryUsageFollowsTheContents() {
        ZSetValue z = ZSetValue.newSkiplist(0);
        long empty = z.memoryUsage();
        for (int i = 0; i < 1000; i++) {
            add(z, i, "member-" + i);
        }
        long full = z.memoryUsage();
        assertTrue(full - empty > 1000 * 70, "grew by " + (full - empty));
        for (int i = 0; i < 1000; i++) {
            z.remove(b("member-" + i));
        }
        assertTrue(z.memoryUsage() < full / 4, "shrank to " + z.memoryUsage());
    }
}
