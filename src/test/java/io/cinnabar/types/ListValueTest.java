package io.cinnabar.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The quicklist: node fill limits, splits and merges, compression, plain nodes and index walks. */
@Timeout(60)
class ListValueTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String element(ListValue.Iter it) {
        if (it.isInt()) {
            return Long.toString(it.intValue());
        }
        return new String(it.array(), it.offset(), it.length(), StandardCharsets.UTF_8);
    }

    private static List<String> contents(ListValue list) {
        List<String> out = new ArrayList<>();
        ListValue.Iter it = list.iterator(true);
        while (it.next()) {
            out.add(element(it));
        }
        it.release();
        return out;
    }

    private static String padded(int i, int length) {
        String s = String.format("%03d", i);
        return s + "y".repeat(length - s.length());
    }

    @Test
    void countFillStartsANewNodeEveryFillEntries() {
        ListValue list = new ListValue(4, 0);
        for (int i = 0; i < 10; i++) {
            list.push(b("v" + i), false);
        }
        assertArrayEquals(new int[] {4, 4, 2}, list.nodeShape());
        list.push(b("h"), true);
        assertArrayEquals(new int[] {1, 4, 4, 2}, list.nodeShape());
        assertEquals(11, list.size());
    }

    @Test
    void sizeFillKeepsEachNodeUnderItsByteLimitWithRedisEstimate() {
        // 60-byte strings take 62 bytes each: the 65th still fits 4096 with the 8-byte estimate, the 66th does not.
        ListValue list = new ListValue(-1, 0);
        for (int i = 0; i < 70; i++) {
            list.push(b(padded(i, 60)), false);
        }
        assertArrayEquals(new int[] {65, 5}, list.nodeShape());
        assertEquals(7 + 62 * 65 + 7 + 62 * 5, list.uncompressedSize());
    }

    @Test
    void countFillStillObeysTheSafetyLimit() {
        ListValue list = new ListValue(1000, 0);
        for (int i = 0; i < 200; i++) {
            list.push(b(padded(i, 60)), false);
        }
        for (int n : list.nodeShape()) {
            assertTrue(7 + 62 * n <= 8192, "node of " + n);
        }
        assertEquals(200, list.size());
    }

    /**
     * An insert into a full node splits it, and the front half merges with the node before it when
     * their sizes minus 11 bytes fit: the boundary case below was checked against Redis 7.0.15's
     * DEBUG OBJECT (2 nodes with 131 elements of 15 bytes in front, 3 with 132).
     */
    @Test
    void splitThenMergeFollowsRedisSizeEstimate() {
        assertEquals(2, insertIntoFullNode(131));
        assertEquals(3, insertIntoFullNode(132));
    }

    private static int insertIntoFullNode(int headElements) {
        ListValue list = new ListValue(-1, 0);
        for (int i = 0; i < 70; i++) {
            list.push(b(padded(i, 60)), false);
        }
        for (int i = 0; i < headElements; i++) {
            list.push(b("a".repeat(15)), true);
        }
        ListValue.Iter it = list.iterator(true);
        while (it.next()) {
            if (it.elementEquals(b(padded(30, 60)))) {
                it.insert(b("v"), false);
                break;
            }
        }
        it.release();
        List<String> all = contents(list);
        assertEquals("v", all.get(headElements + 30));
        assertEquals(padded(30, 60), all.get(headElements + 31));
        return list.nodeCount();
    }

    @Test
    void compressesInnerNodesAndReadsThemBack() {
        ListValue packed = new ListValue(4, 0);
        ListValue compressed = new ListValue(4, 1);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String v = "compressible-" + "ab".repeat(20) + i;
            expected.add(v);
            packed.push(b(v), false);
            compressed.push(b(v), false);
        }
        assertEquals(10, compressed.nodeCount());
        assertEquals(8, compressed.compressedNodeCount());
        assertEquals(0, packed.compressedNodeCount());
        assertTrue(compressed.memoryUsage() < packed.memoryUsage());
        assertEquals(expected, contents(compressed));
        ListValue.Iter it = compressed.iteratorAt(21, true);
        assertTrue(it.next());
        assertEquals(expected.get(21), element(it));
        it.release();
        assertEquals(8, compressed.compressedNodeCount());
        assertTrue(compressed.replaceAt(22, b("changed")));
        expected.set(22, "changed");
        assertEquals(expected, contents(compressed));
        assertEquals(8, compressed.compressedNodeCount());
        compressed.deleteRange(5, 30);
        expected.subList(5, 35).clear();
        assertEquals(expected, contents(compressed));
    }

    @Test
    void smallNodesStayRaw() {
        ListValue list = new ListValue(2, 1);
        for (int i = 0; i < 10; i++) {
            list.push(b("x" + i), false);
        }
        assertEquals(0, list.compressedNodeCount()); // each listpack is under 48 bytes
    }

    @Test
    void largeElementsGetPlainNodes() {
        try {
            ListValue.setPackedThreshold(100);
            ListValue list = new ListValue(-2, 1);
            list.push(b("a"), false);
            list.push(b("b"), false);
            String big = "B".repeat(300);
            list.push(b(big), false);
            list.push(b("c"), false);
            list.push(b(big + "head"), true);
            assertArrayEquals(new int[] {-1, 2, -1, 1}, list.nodeShape());
            assertEquals(List.of(big + "head", "a", "b", big, "c"), contents(list));
            assertTrue(list.replaceAt(3, b("small")));
            assertEquals(List.of(big + "head", "a", "b", "small", "c"), contents(list));
            assertTrue(list.replaceAt(1, b(big)));
            assertEquals(List.of(big + "head", big, "b", "small", "c"), contents(list));
            assertEquals(big + "head", new String(list.pop(true), StandardCharsets.UTF_8));
            assertEquals(4, list.size());
        } finally {
            ListValue.setPackedThreshold(0);
        }
    }

    @Test
    void indexWalksFromEitherEndAgreeWithAModel() {
        Random r = new Random(7);
        for (int fill : new int[] {1, 3, -1}) {
            ListValue list = new ListValue(fill, fill == 3 ? 1 : 0);
            List<String> model = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String v = r.nextInt(3) == 0 ? Integer.toString(r.nextInt(1000) - 500) : "s" + i + "-".repeat(r.nextInt(40));
                boolean head = r.nextBoolean();
                list.push(b(v), head);
                model.add(head ? 0 : model.size(), v);
            }
            int n = model.size();
            for (int i = -n - 2; i < n + 2; i++) {
                ListValue.Iter it = list.iteratorAt(i, i >= 0);
                if (i >= n || i < -n) {
                    assertNull(it, "index " + i);
                    continue;
                }
                assertTrue(it.next());
                assertEquals(model.get(i >= 0 ? i : n + i), element(it), "fill " + fill + " index " + i);
                it.release();
            }
            ListValue.Iter back = list.iterator(false);
            for (int i = n - 1; i >= 0; i--) {
                assertTrue(back.next());
                assertEquals(model.get(i), element(back));
            }
            assertFalse(back.next());
        }
    }

    @Test
    void removalsWhileIteratingAndRangeDeletesAgreeWithAModel() {
        Random r = new Random(11);
        ListValue list = new ListValue(5, 2);
        List<String> model = new ArrayList<>();
        for (int round = 0; round < 200; round++) {
            for (int i = 0; i < 10; i++) {
                String v = "e" + r.nextInt(8) + "-".repeat(r.nextInt(30));
                list.push(b(v), false);
                model.add(v);
            }
            String victim = model.get(r.nextInt(model.size()));
            ListValue.Iter it = list.iterator(r.nextBoolean());
            while (it.next()) {
                if (it.elementEquals(b(victim))) {
                    it.delete();
                }
            }
            it.release();
            model.removeIf(victim::equals);
            long start = r.nextInt(Math.max(1, model.size())) - (r.nextBoolean() ? model.size() : 0);
            long count = r.nextInt(6);
            list.deleteRange(start, count);
            int from = (int) (start < 0 ? model.size() + start : start);
            if (from >= 0 && from < model.size()) {
                model.subList(from, (int) Math.min(model.size(), from + count)).clear();
            }
            assertEquals(model, contents(list), "round " + round);
            assertEquals(model.size(), list.size());
        }
    }

    /**
     * A push into a long list allocates little more than the entry it stores: nodes past the first
     * start at the full node's size instead of growing there by copies (the garbage of those
     * copies was about three times the data), and a node that fills gives back its growth room.
     */
    @Test
    void pushesAllocateAboutWhatTheyStoreAndFullNodesKeepNoSlack() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        byte[] value = b("x".repeat(32)); // 34 bytes as a listpack entry
        for (boolean atHead : new boolean[] {true, false}) {
            ListValue list = new ListValue(-2, 0);
            int n = 200_000;
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < n; i++) {
                list.push(value, atHead);
            }
            double perPush = (mx.getThreadAllocatedBytes(tid) - before) / (double) n;
            assertTrue(perPush < 40, (atHead ? "LPUSH" : "RPUSH") + " allocated " + perPush + " bytes per push");
            double perElement = list.memoryUsage() / (double) n;
            assertTrue(perElement < 36, "charged " + perElement + " bytes per 34-byte entry");
            assertEquals(n, list.size());
            ListValue.Iter it = list.iterator(true);
            int seen = 0;
            while (it.next()) {
                assertEquals("x".repeat(32), element(it));
                seen++;
            }
            assertEquals(n, seen);
        }
    }

    @Test
    void memoryReturnsToTheEmptyListsAfterEverythingIsPopped() {
        ListValue list = new ListValue(3, 1);
        long empty = list.memoryUsage();
        for (int i = 0; i < 100; i++) {
            list.push(b("value-" + "z".repeat(i % 50) + i), i % 2 == 0);
        }
        assertTrue(list.memoryUsage() > empty);
        while (list.size() > 0) {
            list.pop(list.size() % 2 == 0);
        }
        assertEquals(0, list.nodeCount());
        assertEquals(empty, list.memoryUsage());
    }

    @Test
    void copyIsIndependentAndKeepsTheLayout() {
        ListValue list = new ListValue(4, 1);
        for (int i = 0; i < 30; i++) {
            list.push(b("element-" + "q".repeat(40) + i), false);
        }
        ListValue copy = list.copy();
        assertArrayEquals(list.nodeShape(), copy.nodeShape());
        assertEquals(list.compressedNodeCount(), copy.compressedNodeCount());
        assertEquals(contents(list), contents(copy));
        copy.pop(true);
        copy.replaceAt(10, b("x"));
        assertEquals(30, list.size());
        assertEquals("element-" + "q".repeat(40) + 10, contents(list).get(10));
    }
}
