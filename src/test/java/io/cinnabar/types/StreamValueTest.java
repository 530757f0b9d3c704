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
}
