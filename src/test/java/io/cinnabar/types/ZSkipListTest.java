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
