package io.cinnabar.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class StreamValueTest {
    private static byte[][] pairs(String... s) {
        byte[][] b = new byte[s.length][];
        for (int i = 0; i < s.length; i++) {
            b[i] = s[i].getBytes(StandardCharsets.UTF_8);
        }
        return b;
    }

    private static void add(StreamValue s, long ms, long seq, long maxEntries, String... fv) {
        byte[][] argv = pairs(fv);
        s.append(new StreamId(ms, seq), argv, 0, argv.length, 4096, maxEntries);
    }

    private static List<String> elements(Listpack lp) {
        List<String> out = new ArrayList<>();
        for (int p = lp.first(); p >= 0; p = lp.next(p)) {
            out.add(lp.isInt(p) ? Long.toString(lp.intValue(p)) : new String(lp.get(p), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static List<String> ids(StreamValue s, StreamId from, StreamId to, boolean reverse) {
        List<String> out = new ArrayList<>();
        StreamValue.Cursor c = s.cursor(from, to, reverse);
        while (c.next()) {
            out.add(c.id().toString());
        }
        return out;
    }

    @Test
    void blockLayoutIsRedisStreamListpack() {
        StreamValue s = new StreamValue();
        add(s, 5, 1, 100, "a", "x", "b", "y");
        add(s, 5, 3, 100, "a", "z", "b", "w");
        add(s, 7, 0, 100, "c", "v");
        Map<StreamId, Listpack> blocks = s.blocks();
        assertEquals(1, blocks.size());
        assertEquals(new StreamId(5, 1), blocks.keySet().iterator().next());
        // master: live, deleted, field count, fields, 0; entries: flags, ms delta, seq delta,
        // [count], values or pairs, lp-count
        assertEquals(List.of("3", "0", "2", "a", "b", "0",
                "2", "0", "0", "x", "y", "5",
                "2", "0", "2", "z", "w", "5",
                "0", "2", "-1", "1", "c", "v", "6"), elements(blocks.values().iterator().next()));
    }

    @Test
    void deleteFlagsEntriesAndDropsEmptyBlocks() {
        StreamValue s = new StreamValue();
        for (int i = 1; i <= 5; i++) {
            add(s, i, 0, 2, "f", "v" + i);
        }
        assertEquals(3, s.blockCount());
        assertTrue(s.delete(new StreamId(2, 0)));
        assertFalse(s.delete(new StreamId(2, 0)));
        assertEquals(3, s.blockCount());
        assertEquals(List.of("1", "1", "1", "f", "0", "2", "0", "0", "v1", "4", "3", "1", "0", "v2", "4"),
                elements(s.blocks().get(new StreamId(1, 0))));
        assertTrue(s.delete(new StreamId(1, 0)));
        assertEquals(2, s.blockCount());
        assertEquals(3, s.length());
        assertEquals(List.of("3-0", "4-0", "5-0"), ids(s, StreamId.MIN, StreamId.MAX, false));
        assertEquals(List.of("5-0", "4-0", "3-0"), ids(s, StreamId.MIN, StreamId.MAX, true));
        assertEquals(List.of("4-0"), ids(s, new StreamId(3, 1), new StreamId(4, 5), false));
        assertEquals(List.of("4-0"), ids(s, new StreamId(3, 1), new StreamId(4, 5), true));
    }

    @Test
    void exactTrimFlagsInsideTheHeadBlockApproximateDropsWholeBlocks() {
        StreamValue s = new StreamValue();
        for (int i = 1; i <= 7; i++) {
            add(s, i, 0, 3, "f", "v");
        }
        assertEquals(0, s.trim(5, null, true, 0));
        assertEquals(3, s.trim(4, null, true, 0));
        assertEquals(new StreamId(4, 0), s.firstId());
        assertEquals(2, s.trim(2, null, false, 0));
        assertEquals(List.of("6-0", "7-0"), ids(s, StreamId.MIN, StreamId.MAX, false));
        assertEquals(1, s.trim(0, new StreamId(7, 0), false, 0));
        assertEquals(new StreamId(7, 0), s.firstId());
        assertEquals(7, s.entriesAdded());
    }

    @Test
    void blocksAfterTheFirstAreSizedOnceAndSealedTight() {
        StreamValue s = new StreamValue();
        Map<StreamId, byte[]> firstArrays = new java.util.HashMap<>();
        for (int i = 1; i <= 1000; i++) {
            add(s, 1_000_000 + i, 0, 100, "f", "0123456789abcdef");
            Map.Entry<StreamId, Listpack> tail = s.blocks().entrySet().stream().reduce((a, b) -> b).orElseThrow();
            byte[] first = firstArrays.computeIfAbsent(tail.getKey(), k -> tail.getValue().array());
            if (firstArrays.size() > 1) {
                assertTrue(first == tail.getValue().array(), "block " + tail.getKey() + " regrew at entry " + i);
            }
        }
        List<Listpack> blocks = new ArrayList<>(s.blocks().values());
        assertEquals(10, blocks.size());
        long blockBytes = 0;
        for (int b = 0; b < blocks.size(); b++) {
            Listpack lp = blocks.get(b);
            blockBytes += lp.capacity();
            assertEquals(100, lp.intValue(lp.first()));
            assertTrue(Listpack.isValid(lp.toBytes()), "block " + b + " is not a valid listpack");
            if (b < blocks.size() - 1) {
                assertTrue(lp.capacity() - lp.bytes() <= lp.bytes() >> 4, "sealed block " + b + " keeps "
                        + (lp.capacity() - lp.bytes()) + " spare bytes of " + lp.capacity());
            }
        }
        long charged = s.memoryUsage();
        long arrays = blockBytes;
        assertTrue(charged >= arrays && charged - arrays < 2000, () -> "charged " + charged + " for " + arrays);
    }

    @Test
    void memoryFollowsBlocksAndCopyIsIndependent() {
        StreamValue s = new StreamValue();
        long empty = s.memoryUsage();
        for (int i = 1; i <= 300; i++) {
            add(s, i, 0, 100, "field", "value" + i);
        }
        long full = s.memoryUsage();
        assertTrue(full > empty + 300 * 8, () -> "memory " + full);
        StreamValue copy = s.copy();
        s.trim(0, null, false, 0);
        assertTrue(s.memoryUsage() < full);
        assertEquals(0, s.length());
        assertEquals(300, copy.length());
        assertEquals(full, copy.memoryUsage());
        assertEquals("300-0", ids(copy, StreamId.MIN, StreamId.MAX, true).get(0));
    }

    @Test
    void radixTreeNodesMatchRedisOnKnownShapes() {
        StreamValue s = new StreamValue();
        assertEquals(1, s.radixTreeNodes()); // the empty root
        add(s, 1, 0, 1, "f", "v");
        assertEquals(2, s.radixTreeNodes()); // one 16-byte chain and the key
        // counts read from Redis 7.0.15 with stream-node-max-entries 1
        for (long[] id : new long[][] {{1, 255}, {1, 256}, {1, 65535}, {2, 0}, {4294967296L, 0}, {4294967297L, 1}}) {
            add(s, id[0], id[1], 1, "f", "v");
        }
        assertEquals(7, s.blockCount());
        assertEquals(21, s.radixTreeNodes());
        s.delete(new StreamId(1, 255));
        s.delete(new StreamId(1, 0));
        s.delete(new StreamId(1, 256));
        s.delete(new StreamId(1, 65535));
        s.delete(new StreamId(2, 0));
        s.delete(new StreamId(4294967296L, 0));
        s.delete(new StreamId(4294967297L, 1));
        assertEquals(1, s.radixTreeNodes());
    }

    @Test
    void radixTreeNodesAgreeWithPrefixCounting() {
        java.util.Random r = new java.util.Random(7);
        for (int round = 0; round < 200; round++) {
            StreamValue s = new StreamValue();
            java.util.TreeSet<StreamId> live = new java.util.TreeSet<>();
            long ms = 0;
            for (int i = 1 + r.nextInt(40); i > 0; i--) {
                ms += 1 + (r.nextBoolean() ? r.nextInt(3) : 1L << r.nextInt(62));
                StreamId id = new StreamId(ms, r.nextBoolean() ? 0 : r.nextLong() >>> r.nextInt(64));
                add(s, id.ms(), id.seq(), 1, "f", "v");
                live.add(id);
            }
            for (int i = r.nextInt(live.size()); i > 0; i--) {
                StreamId victim = new ArrayList<>(live).get(r.nextInt(live.size()));
                assertTrue(s.delete(victim));
                live.remove(victim);
                assertEquals(nodesByPrefixes(live), s.radixTreeNodes(), () -> "keys " + live);
            }
            assertEquals(nodesByPrefixes(live), s.radixTreeNodes(), () -> "keys " + live);
        }
    }

    /**
     * Independent count of a compressed radix tree's nodes from the keys' prefixes: a node at each
     * key, at each prefix with two or more continuations, and where a chain of single
     * continuations starts (at the root, or just below a branching prefix).
     */
    private static long nodesByPrefixes(java.util.Set<StreamId> ids) {
        if (ids.isEmpty()) {
            return 1;
        }
        Map<String, java.util.Set<Character>> continuations = new java.util.HashMap<>();
        for (StreamId id : ids) {
            String key = String.format("%016x%016x", id.ms(), id.seq());
            for (int d = 0; d < 16; d++) {
                continuations.computeIfAbsent(key.substring(0, 2 * d), x -> new java.util.HashSet<>()).add((char) Integer.parseInt(key.substring(2 * d, 2 * d + 2), 16));
            }
        }
        long nodes = ids.size();
        for (Map.Entry<String, java.util.Set<Character>> e : continuations.entrySet()) {
            String prefix = e.getKey();
            boolean branch = e.getValue().size() > 1;
            boolean chainStart = prefix.isEmpty() || continuations.get(prefix.substring(0, prefix.length() - 2)).size() > 1;
            if (branch || chainStart) {
                nodes++;
            }
        }
        return nodes;
    }
}
