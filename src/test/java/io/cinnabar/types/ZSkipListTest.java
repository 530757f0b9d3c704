package io.cinnabar.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The skip list against a TreeSet model: order, ranks, spans after deletes, ranges both ways. */
@Timeout(60)
class ZSkipListTest {
    private record Entry(double score, byte[] member) {}

    private static final Comparator<Entry> ORDER = (a, b) -> a.score != b.score
            ? Double.compare(a.score, b.score) : Arrays.compareUnsigned(a.member, b.member);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void randomOperationsKeepOrderRanksAndSpans() {
        Random r = new Random(7);
        ZSkipList list = new ZSkipList();
        TreeSet<Entry> model = new TreeSet<>(ORDER);
        Map<String, ZSkipList.Node> nodes = new HashMap<>();
        for (int step = 0; step < 20000; step++) {
            String name = "m" + r.nextInt(600);
            double score = r.nextInt(4) == 0 ? r.nextInt(5) : r.nextInt(200) - 100 + (r.nextBoolean() ? 0.5 : 0);
            ZSkipList.Node existing = nodes.get(name);
            int op = r.nextInt(10);
            if (existing == null) {
                nodes.put(name, list.insert(score, bytes(name)));
                model.add(new Entry(score, bytes(name)));
            } else if (op < 4) {
                model.remove(new Entry(existing.score(), existing.member));
                assertNotNull(list.delete(existing.score(), existing.member));
                nodes.remove(name);
            } else {
                model.remove(new Entry(existing.score(), existing.member));
                list.updateScore(existing, score);
                model.add(new Entry(score, existing.member));
            }
            if (step % 500 == 0) {
                checkAgainst(list, model);
            }
        }
        checkAgainst(list, model);
        // Range deletions, then re-check.
        assertEquals(count(model, e -> e.score >= -10 && e.score < 10),
                list.deleteRange(new ScoreRange(-10, false, 10, true), n -> nodes.remove(new String(n.member, StandardCharsets.UTF_8))));
        model.removeIf(e -> e.score >= -10 && e.score < 10);
        checkAgainst(list, model);
        long before = list.length();
        assertEquals(Math.min(50, before - 9), list.deleteRangeByRank(10, 59, null));
        List<Entry> all = new ArrayList<>(model);
        for (int i = 9; i < Math.min(59, all.size()); i++) {
            model.remove(all.get(i));
        }
        checkAgainst(list, model);
    }

    private static long count(TreeSet<Entry> model, java.util.function.Predicate<Entry> p) {
        return model.stream().filter(p).count();
    }

    private static void checkAgainst(ZSkipList list, TreeSet<Entry> model) {
        list.verify();
        assertEquals(model.size(), list.length());
        int rank = 1;
        ZSkipList.Node n = list.first();
        for (Entry e : model) {
            assertEquals(e.score, n.score());
            assertEquals(new String(e.member, StandardCharsets.UTF_8), new String(n.member, StandardCharsets.UTF_8));
            assertEquals(rank, list.rankOf(n));
            assertEquals(n, list.byRank(rank));
            n = n.next();
            rank++;
        }
        assertNull(n);
        assertNull(list.byRank(rank));
        // Score ranges both ways, open and closed ends.
        for (double lo = -100; lo <= 100; lo += 37.5) {
            for (boolean open : new boolean[] {false, true}) {
                ScoreRange range = new ScoreRange(lo, open, lo + 40, !open);
                List<Entry> inside = model.stream().filter(e -> range.contains(e.score)).toList();
                ZSkipList.Node first = list.firstInRange(range);
                ZSkipList.Node last = list.lastInRange(range);
                if (inside.isEmpty()) {
                    assertNull(first);
                    assertNull(last);
                } else {
                    assertEquals(inside.get(0).score, first.score());
                    assertEquals(0, Arrays.compare(inside.get(0).member, first.member));
                    assertEquals(0, Arrays.compare(inside.get(inside.size() - 1).member, last.member));
                }
            }
        }
    }

    /**
     * Enough members that nodes of every inline level and many tall ones (level 4 and up, links in
     * arrays) are created, relinked by score updates and removed, with links and spans checked.
     */
    @Test
    void tallNodesKeepLinksAndSpansThroughUpdatesAndDeletes() {
        Random r = new Random(11);
        ZSkipList list = new ZSkipList();
        List<ZSkipList.Node> nodes = new ArrayList<>();
        for (int i = 0; i < 60_000; i++) {
            nodes.add(list.insert(r.nextInt(1000), bytes("m" + i)));
        }
        list.verify();
        for (int i = 0; i < 60_000; i++) {
            list.updateScore(nodes.get(r.nextInt(nodes.size())), r.nextInt(1000));
        }
        list.verify();
        for (int i = 0; i < 30_000; i++) {
            ZSkipList.Node n = nodes.remove(nodes.size() - 1 - r.nextInt(nodes.size() / 2));
            assertEquals(n, list.delete(n.score(), n.member));
        }
        list.verify();
        assertEquals(30_000, list.length());
        for (ZSkipList.Node n : nodes.subList(0, 200)) {
            assertEquals(n, list.byRank(list.rankOf(n)));
        }
        long before = list.nodeMemory();
        ZSkipList.Node n = nodes.get(0);
        list.delete(n.score(), n.member);
        assertTrue(list.nodeMemory() >= before - (56 + 2 * 136) && list.nodeMemory() <= before - 32);
    }

    /**
     * Nodes of every layout (levels 1..3, the tall node's inline levels 4..8, towers with array
     * levels up to 32), forced rather than drawn so the rare ones are many, through inserts,
     * deletes and score updates that relink (far moves, moves past a neighbour, moves among equal
     * scores where member bytes decide) or stay in place; links, spans, ranks and order checked
     * against a model, and the node bytes against each layout's size.
     */
    @Test
    void forcedTallLevelsKeepLinksSpansAndRanksThroughRelinks() {
        long seed = Long.getLong("zskiplist.seed", 23);
        Random r = new Random(seed);
        ZSkipList list = new ZSkipList();
        TreeSet<Entry> model = new TreeSet<>(ORDER);
        List<ZSkipList.Node> nodes = new ArrayList<>();
        long expectedMemory = 0;
        for (int step = 0; step < 40_000; step++) {
            int op = r.nextInt(10);
            if (nodes.size() < 50 || op < 3) {
                int level = r.nextInt(4) == 0 ? 4 + r.nextInt(ZSkipList.MAX_LEVEL - 3) : 1 + r.nextInt(5);
                double score = r.nextInt(40);
                byte[] member = bytes("m" + step);
                ZSkipList.Node n = list.insert(score, member, level);
                expectedMemory += nodeBytes(level);
                nodes.add(n);
                model.add(new Entry(score, member));
            } else if (op < 5) {
                ZSkipList.Node n = nodes.remove(r.nextInt(nodes.size()));
                model.remove(new Entry(n.score(), n.member));
                assertEquals(n, list.delete(n.score(), n.member), "seed " + seed);
                expectedMemory -= nodeBytes(ZSkipList.levelOf(n));
            } else {
                ZSkipList.Node n = nodes.get(r.nextInt(nodes.size()));
                double score = op < 7 ? r.nextInt(40) : n.score() + (r.nextBoolean() ? 1 : -1) * (r.nextInt(3) + 0.5);
                model.remove(new Entry(n.score(), n.member));
                list.updateScore(n, score);
                model.add(new Entry(score, n.member));
            }
            if (step % 1000 == 0) {
                checkOrderAndRanks(list, model, seed);
            }
        }
        checkOrderAndRanks(list, model, seed);
        assertEquals(expectedMemory, list.nodeMemory());
        for (ZSkipList.Node n : nodes) {
            assertEquals(n, list.delete(n.score(), n.member));
        }
        list.verify();
        assertEquals(0, list.length());
        assertEquals(0, list.nodeMemory());
    }

    /** A node's bytes as the JVM lays out each node class (compressed references, checked with JOL). */
    private static long nodeBytes(int level) {
        if (level <= 3) {
            return 32 + 8 * (level - 1);
        }
        long arrays = level <= 8 ? 0 : 8 + 2 * ((16 + 4 * (level - 8) + 7) & ~7);
        return 96 + arrays;
    }

    private static void checkOrderAndRanks(ZSkipList list, TreeSet<Entry> model, long seed) {
        list.verify();
        assertEquals(model.size(), list.length(), "seed " + seed);
        long rank = 1;
        ZSkipList.Node n = list.first();
        for (Entry e : model) {
            assertEquals(e.score, n.score(), "seed " + seed);
            assertEquals(0, Arrays.compare(e.member, n.member), "seed " + seed);
            assertEquals(rank, list.rankOf(n), "seed " + seed);
            assertEquals(n, list.byRank(rank), "seed " + seed);
            n = n.next();
            rank++;
        }
        assertNull(n);
    }

    @Test
    void lexRangesOnEqualScores() {
        ZSkipList list = new ZSkipList();
        String[] names = {"a", "b", "bb", "c", "d", "e\u00ff", ""};
        for (String s : names) {
            list.insert(0, bytes(s));
        }
        list.verify();
        LexRange range = new LexRange(bytes("b"), false, bytes("d"), true);
        assertEquals("b", new String(list.firstInRange(range).member, StandardCharsets.UTF_8));
        assertEquals("c", new String(list.lastInRange(range).member, StandardCharsets.UTF_8));
        LexRange all = new LexRange(LexRange.MIN, true, LexRange.MAX, true);
        assertEquals(0, list.firstInRange(all).member.length);
        assertEquals("e\u00ff", new String(list.lastInRange(all).member, StandardCharsets.UTF_8));
        assertNull(list.firstInRange(new LexRange(LexRange.MAX, true, LexRange.MIN, true)));
        assertNull(list.firstInRange(new LexRange(bytes("c"), true, bytes("c"), false)));
        assertEquals(3, list.deleteRange(new LexRange(bytes("b"), true, bytes("d"), false), null));
        list.verify();
        assertEquals(4, list.length());
        assertEquals(3, list.rankOf(list.firstInRange(new LexRange(bytes("b"), false, bytes("b"), false))));
        assertNull(list.firstInRange(new LexRange(bytes("bb"), false, bytes("bb"), false)));
    }
}
